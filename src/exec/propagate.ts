// The one feeder of the AOF and the replication stream. Commands add effects to the current
// execution unit; when the outermost unit ends its effects are handed to every target, wrapped
// in MULTI/EXEC when there is more than one (as Redis 7 does), each tagged with its db so that
// a target can emit SELECT when the db changes.

export interface PropagationTarget {
  /** One command of the stream, in the db it applies to. */
  feed(dbIndex: number, argv: readonly string[]): void;
  /** Called after the effects of one unit were fed (a point where the stream is consistent). */
  unitEnd?(): void;
}

interface Effect {
  db: number;
  argv: readonly string[];
}

export class Propagator {
  private readonly targets: PropagationTarget[] = [];
  private effects: Effect[] = [];
  /** Nesting depth of call(): 0 outside any command. */
  depth = 0;
  /** Set for units whose effects must not be wrapped (commands touching arbitrary keys). */
  noWrap = false;

  addTarget(t: PropagationTarget): void {
    this.targets.push(t);
  }

  removeTarget(t: PropagationTarget): void {
    const i = this.targets.indexOf(t);
    if (i !== -1) this.targets.splice(i, 1);
  }

  /** True when anything consumes the stream; when false, effects are not even recorded. */
  get active(): boolean {
    return this.targets.length > 0;
  }

  add(db: number, argv: readonly string[]): void {
    if (this.targets.length === 0) return;
    this.effects.push({ db, argv });
    if (this.depth === 0) this.flush();
  }

  /** Ends the outermost unit: hands its effects to the targets; true when there were any. */
  flush(): boolean {
    const effects = this.effects;
    if (effects.length === 0) return false;
    this.effects = [];
    const wrap = effects.length > 1 && !this.noWrap;
    this.noWrap = false;
    for (const t of this.targets) {
      if (wrap) t.feed(effects[0]!.db, ['MULTI']);
      for (const e of effects) t.feed(e.db, e.argv);
      if (wrap) t.feed(effects[effects.length - 1]!.db, ['EXEC']);
      t.unitEnd?.();
    }
    return true;
  }
}

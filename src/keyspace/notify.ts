// Keyspace notification classes. Each event name belongs to one class letter of
// notify-keyspace-events (g generic, $ string, l list, s set, h hash, z zset, x expired,
// e evicted, t stream, m key-miss, n new, d module). Unknown events default to generic.

const CLASS_OF: Record<string, string> = {
  // string
  set: '$', setrange: '$', incrby: '$', incrbyfloat: '$', append: '$', decrby: '$',
  // list
  lpush: 'l', rpush: 'l', rpop: 'l', lpop: 'l', linsert: 'l', lset: 'l', lrem: 'l', ltrim: 'l', lmove: 'l',
  // set
  sadd: 's', srem: 's', spop: 's', sinterstore: 's', sunionstore: 's', sdiffstore: 's', smove: 's',
  // hash
  hset: 'h', hdel: 'h', hincrby: 'h', hincrbyfloat: 'h',
  // sorted set
  zadd: 'z', zincr: 'z', zrem: 'z', zremrangebyscore: 'z', zremrangebyrank: 'z', zremrangebylex: 'z',
  zunionstore: 'z', zinterstore: 'z', zdiffstore: 'z', zrangestore: 'z', zpopmin: 'z', zpopmax: 'z',
  // stream
  xadd: 't', xtrim: 't', xdel: 't', xsetid: 't', 'xgroup-create': 't', 'xgroup-createconsumer': 't',
  'xgroup-delconsumer': 't', 'xgroup-destroy': 't', 'xgroup-setid': 't',
  // special classes
  expired: 'x', evicted: 'e', new: 'n', keymiss: 'm',
};

export function eventClass(event: string): string {
  return CLASS_OF[event] ?? 'g';
}

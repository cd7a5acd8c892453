// RDB format constants as Redis 7.2 defines them: version, opcodes, value type bytes, length
// and string encodings, quicklist node containers. Numbers only; no logic lives here.

/** The version nodis writes ("REDIS0011", Redis 7.2). */
export const RDB_VERSION = 11;
/** The oldest version whose layout the reader understands. */
export const RDB_MIN_VERSION = 1;

// Opcodes that may appear where a value type is expected.
export const OP_FUNCTION2 = 245;
export const OP_FUNCTION_PRE_GA = 246;
export const OP_MODULE_AUX = 247;
export const OP_IDLE = 248;
export const OP_FREQ = 249;
export const OP_AUX = 250;
export const OP_RESIZEDB = 251;
export const OP_EXPIRETIME_MS = 252;
export const OP_EXPIRETIME = 253;
export const OP_SELECTDB = 254;
export const OP_EOF = 255;

// Value types.
export const T_STRING = 0;
export const T_LIST = 1;
export const T_SET = 2;
export const T_ZSET = 3;
export const T_HASH = 4;
export const T_ZSET_2 = 5;
export const T_MODULE_PRE_GA = 6;
export const T_MODULE_2 = 7;
export const T_HASH_ZIPMAP = 9;
export const T_LIST_ZIPLIST = 10;
export const T_SET_INTSET = 11;
export const T_ZSET_ZIPLIST = 12;
export const T_HASH_ZIPLIST = 13;
export const T_LIST_QUICKLIST = 14;
export const T_STREAM_LISTPACKS = 15;
export const T_HASH_LISTPACK = 16;
export const T_ZSET_LISTPACK = 17;
export const T_LIST_QUICKLIST_2 = 18;
export const T_STREAM_LISTPACKS_2 = 19;
export const T_SET_LISTPACK = 20;
export const T_STREAM_LISTPACKS_3 = 21;

// Length prefixes: the top two bits of the first byte.
export const LEN_6BIT = 0;
export const LEN_14BIT = 1;
export const LEN_32BIT = 0x80;
export const LEN_64BIT = 0x81;
export const LEN_ENCVAL = 3;

// Special string encodings (after LEN_ENCVAL).
export const ENC_INT8 = 0;
export const ENC_INT16 = 1;
export const ENC_INT32 = 2;
export const ENC_LZF = 3;

// Quicklist node containers (QUICKLIST_2).
export const QL_NODE_PLAIN = 1;
export const QL_NODE_PACKED = 2;

/** ZSET (type 3) scores written as text use these length bytes for the special values. */
export const SCORE_NAN = 253;
export const SCORE_POS_INF = 254;
export const SCORE_NEG_INF = 255;

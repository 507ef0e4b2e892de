/**
 * A pickle reader that can only rebuild a state dict: ordered dicts of tensors, nothing else.
 *
 * `torch.load` runs whatever callable a pickle names; a downloaded checkpoint must never get that far.
 * This reader interprets the opcodes itself and knows five globals (the allow-list below); any other
 * global (os.system, builtins.eval, ...) is refused the moment it is named, before anything is built,
 * and no opcode can call anything outside the list. Tensors come back as references into the
 * checkpoint's storages (read later, one at a time); nothing here reads the weights.
 */
import { CheckpointError } from './checkpoint-error.ts';

export type StorageDtype = 'float32' | 'float16';

export interface StorageRef {
  /** The storage's name in the archive: `<archive>/data/<key>`. */
  key: string;
  dtype: StorageDtype;
  /** Number of elements. */
  numel: number;
}

export interface TensorRef {
  storage: StorageRef;
  /** In elements. */
  offset: number;
  shape: number[];
  /** In elements. */
  stride: number[];
}

const STORAGE_TYPES: Record<string, StorageDtype> = { 'torch.FloatStorage': 'float32', 'torch.HalfStorage': 'float16' };
const CALLABLES = ['collections.OrderedDict', 'torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_parameter'] as const;
type CallableName = (typeof CALLABLES)[number];

/** What the pickle built. Python tuples and lists are arrays; dicts are PyDict. */
type Value = null | boolean | number | bigint | string | Uint8Array | Value[] | PyDict | GlobalRef | StorageRef | TensorRef | Mark;

class PyDict {
  readonly items = new Map<unknown, Value>();
}
class GlobalRef {
  constructor(readonly name: string) {}
}
class Mark {}
const MARK = new Mark();

function refuseGlobal(name: string): never {
  throw new CheckpointError(
    `its pickle names ${name}, which a file of weights never needs (only tensors and ordered dicts are allowed); ` +
      'it was refused without running anything. Use checkpoints from a source you trust, such as OpenAI\'s own address.',
  );
}

function resolveGlobal(module: string, name: string): GlobalRef {
  const full = `${module}.${name}`;
  if (full in STORAGE_TYPES || (CALLABLES as readonly string[]).includes(full)) return new GlobalRef(full);
  refuseGlobal(full);
}

function isTensor(v: unknown): v is TensorRef {
  return typeof v === 'object' && v !== null && 'storage' in v && 'stride' in v;
}

function intList(v: Value, what: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) {
    throw new CheckpointError(`a tensor's ${what} is not a tuple of sizes`);
  }
  return v as number[];
}

function rebuildTensor(args: Value[]): TensorRef {
  const [storage, offset, shape, stride] = args;
  if (typeof storage !== 'object' || storage === null || !('numel' in storage)) throw new CheckpointError('a tensor has no storage');
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw new CheckpointError('a tensor has a bad storage offset');
  const t: TensorRef = { storage: storage as StorageRef, offset, shape: intList(shape, 'shape'), stride: intList(stride, 'stride') };
  if (t.shape.length !== t.stride.length) throw new CheckpointError('a tensor has as many strides as dimensions');
  const count = t.shape.reduce((a, b) => a * b, 1);
  const last = count === 0 ? t.offset : t.offset + t.shape.reduce((a, s, i) => a + (s - 1) * t.stride[i], 0);
  if (count > 0 && last >= t.storage.numel) throw new CheckpointError('a tensor reaches past the end of its storage');
  return t;
}

function call(fn: CallableName, args: Value[]): Value {
  switch (fn) {
    case 'collections.OrderedDict':
      if (args.length !== 0) throw new CheckpointError('an OrderedDict is built with arguments');
      return new PyDict();
    case 'torch._utils._rebuild_tensor_v2':
      return rebuildTensor(args);
    case 'torch._utils._rebuild_parameter':
      if (!isTensor(args[0])) throw new CheckpointError('a parameter holds no tensor');
      return args[0];
  }
}

/** Interprets `data.pkl` of a torch.save archive; `storage` turns a persistent id into a storage. */
export function unpickleStateDict(bytes: Uint8Array, storage: (key: string, dtype: StorageDtype, numel: number) => StorageRef): Map<string, TensorRef> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: Value[] = [];
  const memo = new Map<number, Value>();
  let p = 0;
  const need = (n: number) => {
    if (p + n > buf.length) throw new CheckpointError('its pickle ends early');
  };
  const u8 = () => (need(1), buf[p++]);
  const u32 = () => (need(4), (p += 4), buf.readUInt32LE(p - 4));
  const text = (n: number) => (need(n), (p += n), buf.toString('utf8', p - n, p));
  const pop = (): Value => {
    if (stack.length === 0) throw new CheckpointError('its pickle is malformed (stack underflow)');
    return stack.pop()!;
  };
  const top = (): Value => {
    if (stack.length === 0) throw new CheckpointError('its pickle is malformed (empty stack)');
    return stack[stack.length - 1];
  };
  const popMark = (): Value[] => {
    let i = stack.length - 1;
    while (i >= 0 && stack[i] !== MARK) i--;
    if (i < 0) throw new CheckpointError('its pickle is malformed (no mark)');
    const items = stack.splice(i);
    items.shift();
    return items;
  };
  const dictOnTop = (): PyDict => {
    const d = top();
    if (!(d instanceof PyDict)) throw new CheckpointError('its pickle sets items on something that is not a dict');
    return d;
  };
  const memoGet = (i: number) => {
    if (!memo.has(i)) throw new CheckpointError('its pickle refers to an object it never stored');
    return memo.get(i)!;
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        need(8);
        p += 8;
        break;
      case 0x2e: {
        // STOP
        const result = pop();
        return stateDictOf(result);
      }
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x29: // EMPTY_TUPLE
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        need(2);
        stack.push(buf.readUInt16LE(p));
        p += 2;
        break;
      case 0x4a: // BININT
        need(4);
        stack.push(buf.readInt32LE(p));
        p += 4;
        break;
      case 0x8a: {
        // LONG1: little-endian two's complement
        const n = u8();
        need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[p + i]);
        if (n > 0 && buf[p + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        p += n;
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: // BINFLOAT
        need(8);
        stack.push(buf.readDoubleBE(p));
        p += 8;
        break;
      case 0x58: // BINUNICODE
        stack.push(text(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
      case 0x55: // SHORT_BINSTRING
        stack.push(text(u8()));
        break;
      case 0x54: // BINSTRING
        stack.push(text(u32()));
        break;
      case 0x43: // SHORT_BINBYTES
      case 0x42: {
        // BINBYTES
        const n = op === 0x43 ? u8() : u32();
        need(n);
        stack.push(Uint8Array.from(buf.subarray(p, p + n)));
        p += n;
        break;
      }
      case 0x63: {
        // GLOBAL "module\nname\n"
        const end1 = buf.indexOf(0x0a, p);
        const end2 = end1 < 0 ? -1 : buf.indexOf(0x0a, end1 + 1);
        if (end2 < 0) throw new CheckpointError('its pickle is malformed (GLOBAL)');
        const module = buf.toString('utf8', p, end1);
        const name = buf.toString('utf8', end1 + 1, end2);
        p = end2 + 1;
        stack.push(resolveGlobal(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw new CheckpointError('its pickle is malformed (STACK_GLOBAL)');
        stack.push(resolveGlobal(module, name));
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        stack.push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memoGet(u32()));
        break;
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        const list = top();
        if (!Array.isArray(list)) throw new CheckpointError('its pickle appends to something that is not a list');
        list.push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) throw new CheckpointError('its pickle appends to something that is not a list');
        list.push(...items);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        dictOnTop().items.set(k, v);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const d = dictOnTop();
        for (let i = 0; i + 1 < items.length; i += 2) d.items.set(items[i], items[i + 1]);
        break;
      }
      case 0x52: {
        // REDUCE: only the allow-listed callables, never a storage type or anything else
        const args = pop();
        const fn = pop();
        if (!(fn instanceof GlobalRef) || !Array.isArray(args)) throw new CheckpointError('its pickle calls something that is not a known function');
        if (!(CALLABLES as readonly string[]).includes(fn.name)) refuseGlobal(`${fn.name} (as a function)`);
        stack.push(call(fn.name as CallableName, args));
        break;
      }
      case 0x62: {
        // BUILD: only an OrderedDict's own attributes (state_dict's _metadata), which are dropped
        const state = pop();
        if (!(top() instanceof PyDict) || !(state instanceof PyDict || state === null)) {
          throw new CheckpointError('its pickle sets the state of something other than a dict');
        }
        break;
      }
      case 0x51: {
        // BINPERSID: ('storage', StorageType, key, location, numel)
        const pid = pop();
        if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) throw new CheckpointError('its pickle refers to an unknown kind of external object');
        const [, type, key, , numel] = pid;
        if (!(type instanceof GlobalRef) || !(type.name in STORAGE_TYPES)) {
          throw new CheckpointError('it holds a storage type other than float32 or float16');
        }
        if (typeof key !== 'string' || !/^[0-9A-Za-z_]+$/.test(key) || typeof numel !== 'number' || numel < 0) {
          throw new CheckpointError('its pickle names a storage badly');
        }
        stack.push(storage(key, STORAGE_TYPES[type.name], numel));
        break;
      }
      default:
        throw new CheckpointError(`its pickle uses opcode 0x${op.toString(16)}, which a state dict does not need; refused`);
    }
  }
}

function stateDictOf(v: Value): Map<string, TensorRef> {
  if (!(v instanceof PyDict)) throw new CheckpointError('it does not hold a state dict (a dict of tensors)');
  const out = new Map<string, TensorRef>();
  for (const [k, t] of v.items) {
    if (typeof k !== 'string') throw new CheckpointError('its state dict has a key that is not a string');
    if (!isTensor(t)) throw new CheckpointError(`its entry ${k} is not a tensor`);
    out.set(k, t);
  }
  return out;
}

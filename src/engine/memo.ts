// Results of a pure computation over facts, remembered by the facts it actually read: same values read, same result.

import { flatCopy } from './intake.js';
import type { FactValue, Facts } from './types.js';

/**
 * A tree grown by reading: a node names the fact the computation reads next, and each value seen there leads to
 * a child; a leaf holds the result. The computation is pure and deterministic, so which fact it reads next
 * depends only on the values read so far, and a walk down the tree replays it. Nothing is assumed about which
 * facts matter: a computation that reads the date has the date in its path, one that does not, does not.
 */
interface Node<T> {
  field?: string;
  next?: Map<unknown, Node<T>>;
  result?: T;
  done: boolean;
}

/** A key for a fact value (a list becomes one string; a value no key can stand for makes the result unremembered). */
function keyOf(value: FactValue | undefined): unknown {
  if (Array.isArray(value)) return `\u0000${value.join('\u0001')}`;
  if (value === undefined || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return OPAQUE;
}

const OPAQUE = Symbol('opaque');

/** A key that shares no memory with the cell it was cut from (a key cut from a roster block would keep it alive). */
const flat = (k: unknown): unknown => (typeof k === 'string' ? flatCopy(k) : k);

export class FactMemo<T> {
  private readonly roots = new Map<unknown, Node<T>>();
  private size = 0;
  /** `limit`: results held at most; past it, results are computed but not kept (a run's memory stays bounded). */
  constructor(private readonly limit = 20_000) {}

  /** `compute(facts)` for this `scope` (e.g. a programme), from the tree when the same facts were read before. */
  get(scope: unknown, facts: Facts, compute: (facts: Facts) => T): T {
    let root = this.roots.get(scope);
    if (!root) this.roots.set(scope, (root = { done: false }));
    for (let n: Node<T> | undefined = root; n; ) {
      if (n.done) return n.result!;
      if (n.field === undefined) break;
      n = n.next!.get(keyOf(facts[n.field]));
    }
    if (this.size >= this.limit) return compute(facts);
    const reads: [string, unknown][] = [];
    let opaque = false;
    const seen = new Set<string>();
    const watched = new Proxy(facts, {
      get(target, field) {
        const value = target[field as string];
        if (typeof field === 'string' && !seen.has(field)) {
          seen.add(field);
          const k = keyOf(value);
          if (k === OPAQUE) opaque = true;
          reads.push([field, k]);
        }
        return value;
      },
      // Asking what facts there are reads them all: such a result is not remembered.
      has(target, field) {
        opaque = true;
        return field in target;
      },
      ownKeys(target) {
        opaque = true;
        return Reflect.ownKeys(target);
      },
    });
    const result = compute(watched);
    if (!opaque) this.remember(root, reads, result);
    return result;
  }

  private remember(root: Node<T>, reads: [string, unknown][], result: T): void {
    let n = root;
    for (const [field, key] of reads) {
      if (n.done) return;
      if (n.field === undefined) {
        n.field = field;
        n.next = new Map();
      } else if (n.field !== field) return; // cannot happen for a pure computation; then simply not remembered
      let child = n.next!.get(key);
      if (!child) n.next!.set(flat(key), (child = { done: false }));
      n = child;
    }
    if (n.done || n.field !== undefined) return;
    n.done = true;
    n.result = result;
    this.size++;
  }
}

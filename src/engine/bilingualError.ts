// An error said in both languages: the entry point prints the one --lang chose, so a clerk working in Chinese reads the tool's refusals in Chinese.
import type { Bilingual, Lang } from './types.js';

export class BilingualError extends Error {
  /** The message in Chinese (the English one where a message has no Chinese yet: a file's own damage, a driver's words). */
  readonly zh: string;

  constructor(en: string, zh?: string) {
    super(en);
    this.zh = zh ?? en;
  }

  /** Both texts, to pass to another thread or to build a message around. */
  get texts(): Bilingual {
    return { en: this.message, zh: this.zh };
  }
}

/** What `e` says in `lang`: the Chinese text of a BilingualError, else its message. */
export function messageIn(e: unknown, lang: Lang): string {
  if (e instanceof BilingualError) return lang === 'zh' ? e.zh : e.message;
  return e instanceof Error ? e.message : String(e);
}

/** Both texts of `e` (an error that is not bilingual says the same in both). */
export function textsOf(e: unknown): Bilingual {
  if (e instanceof BilingualError) return e.texts;
  const text = e instanceof Error ? e.message : String(e);
  return { en: text, zh: text };
}

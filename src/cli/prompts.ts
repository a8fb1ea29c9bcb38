// The only importer of @inquirer/prompts: tests replace this module to script the answers.
import { checkbox, input, select } from '@inquirer/prompts';

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

export async function askSelect<T>(message: string, choices: Choice<T>[]): Promise<T> {
  return select({ message, choices, pageSize: 12, loop: false });
}

export async function askCheckbox(message: string, choices: Choice<string>[]): Promise<string[]> {
  return checkbox({ message, choices, pageSize: 12, loop: false });
}

/** Free input, validated as typed: `validate` returns true or the message to show before asking again. */
export async function askInput(message: string, validate: (text: string) => true | string): Promise<string> {
  return input({ message, validate });
}

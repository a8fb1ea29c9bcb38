// The only importer of @inquirer/prompts: tests replace this module to script the answers.

/** Loaded on first use: only `check` asks anything, and loading the library was a tenth of every command's start. */
const inquirer = (): Promise<typeof import('@inquirer/prompts')> => import('@inquirer/prompts');

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

export async function askSelect<T>(message: string, choices: Choice<T>[]): Promise<T> {
  const { select } = await inquirer();
  return select({ message, choices, pageSize: 12, loop: false });
}

export async function askCheckbox(message: string, choices: Choice<string>[]): Promise<string[]> {
  const { checkbox } = await inquirer();
  return checkbox({ message, choices, pageSize: 12, loop: false });
}

/** Free input, validated as typed: `validate` returns true or the message to show before asking again. */
export async function askInput(message: string, validate: (text: string) => true | string): Promise<string> {
  const { input } = await inquirer();
  return input({ message, validate });
}

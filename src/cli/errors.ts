// Errors the entry point turns into a message and exit code 1 (usage or setup), never a stack trace.
export class UsageError extends Error {}

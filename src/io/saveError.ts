// Why answered cases could not be added to a roster (check --save): the CLI says so and exits 1, nothing written.
export class SaveError extends Error {}

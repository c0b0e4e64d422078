// The process exit-code contract shared by every subcommand.
export const EXIT = {
  /** Success; for `verify`: source and target are consistent. */
  ok: 0,
  /** `verify` found drift. */
  drift: 1,
  /** Usage, configuration or runtime error; one line on stderr says what and how to fix it. */
  error: 2,
} as const;

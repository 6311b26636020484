// Option parsing shared by the commands: node:util's parseArgs plus validation that turns every bad value into a
// one-line UsageError (exit code 2), never a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { didYouMean } from './did_you_mean.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse(argv: string[], options: Options, allowPositionals = false) {
  const all: Options = { help: { type: 'boolean', short: 'h' }, ...options };
  try {
    return parseArgs({ args: argv, options: all, allowPositionals, strict: true });
  } catch (err) {
    const unknown = /^Unknown option '--([^']+)'/.exec((err as Error).message);
    if (unknown)
      throw new UsageError(
        `unknown option '--${unknown[1]}'${didYouMean(unknown[1]!, Object.keys(all), '--')}; --help lists the options`,
      );
    throw new UsageError((err as Error).message);
  }
}

export function int(
  value: string | undefined,
  name: string,
  { min = 1, max = Number.MAX_SAFE_INTEGER, fallback }: { min?: number; max?: number; fallback?: number } = {},
): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  const n = Number(value);
  if (!/^[+]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${name} must be an integer ${range}, got '${value}'`);
  }
  return n;
}

export function positiveNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name} must be a positive number, got '${value}'`);
  return n;
}

export function numberIn(
  value: string | undefined,
  name: string,
  { min, max, fallback }: { min: number; max: number; fallback: number },
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

export function choice<T extends string>(
  value: string | undefined,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T))
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/**
 * A method builder whose class's constructor throws (`new Agent()` creating a class the file no longer
 * has, reading a file the repository does not hold) is built once more with each constructor statement
 * run on its own (guarded-constructors.ts): the instance then lacks only what the skipped statements
 * set, which a builder that does not read it never misses. So is a constructor that builds its model,
 * then throws (it loads pretrained weights a separate script defines): the model it built is trained;
 * one that throws before it has a model still fails. The report's first note says where the
 * constructor throws; where the builder fails anyway, the constructor's own error stands.
 */
import { describeError, SanityFailure } from '../errors';
import { guardConstructorsOf } from './module-loader';

interface Built {
  builder: { id: string; className?: string; kind: string };
  notes: string[];
}

/** The retried build with its note first; undefined when `err` is no constructor failure, or the retry fails too. */
export async function pastAConstructorError<T extends Built>(err: unknown, file: string, builder: Built['builder'], attempt: () => Promise<T>): Promise<T | undefined> {
  const className = builder.className;
  if (!(err instanceof SanityFailure) || className === undefined || !err.message.startsWith(`new ${className}() threw: `)) {
    return undefined;
  }
  const guard = guardConstructorsOf(file);
  try {
    const result = await attempt();
    if (guard.skipped.first === undefined) {
      return undefined;
    }
    const built = builder.kind === 'constructor' ? 'trained the model it built' : `built the model with ${result.builder.id}()`;
    const note = `new ${className}() throws: ${describeError(guard.skipped.first, file)}; sanity-train skipped the constructor's statements that threw, ran the rest and ${built} (the instance lacks what those statements set)`;
    return { ...result, notes: [note, ...result.notes] };
  } catch {
    return undefined;
  } finally {
    guard.restore();
  }
}

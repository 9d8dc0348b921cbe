/** The one error type of saved-model conversion. */

/** What kind of bad input: a model that cannot be read or converted, or a path that would leave the model's folder. */
export type SavedModelErrorKind = 'badModel' | 'unsafePath' | 'exists' | 'unreadable';

/** A bad saved model: the message is one line, ready for the CLI's stderr or an editor message. */
export class SavedModelError extends Error {
  constructor(
    message: string,
    readonly kind: SavedModelErrorKind = 'badModel',
  ) {
    super(message);
  }
}

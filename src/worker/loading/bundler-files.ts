/**
 * What a bundler (webpack, Vite, Parcel) gives a module of a browser app for the style sheets and
 * media files it imports, as Node require() extensions for the worker's module loader (module-loader.ts).
 */

/** Style sheets a bundled app imports for their effect (`import './App.css'`) or as CSS modules. */
const STYLE_EXTENSIONS = ['.css', '.scss', '.sass', '.less', '.styl'];
/** Files a bundler's file loader turns into their URL (`import logo from './logo.svg'`). */
const MEDIA_EXTENSIONS = ['.svg', '.png', '.jpg', '.jpeg', '.gif', '.webp', '.bmp', '.ico', '.wav', '.mp3', '.ogg', '.mp4', '.webm', '.woff', '.woff2', '.ttf', '.otf', '.eot'];

/**
 * The loaders for style sheets and media files, where Node would read them as JavaScript and fail ("Private field
 * '#app' must be declared", from a CSS id selector): a style sheet gives an object whose every class
 * name reads as itself (a CSS module's map; a plain sheet's import is for its effect), a media file
 * its path. Extensions something else already handles stay as they are.
 */
export function defineBundlerFileLoaders<M extends NodeModule>(extensions: Record<string, (module: M, file: string) => void>): void {
  for (const ext of STYLE_EXTENSIONS) {
    extensions[ext] ??= (module) => {
      module.exports = new Proxy({}, { get: (_, key) => (typeof key === 'string' && key !== 'then' && key !== '__esModule' ? key : undefined) });
    };
  }
  for (const ext of MEDIA_EXTENSIONS) {
    extensions[ext] ??= (module, file) => {
      module.exports = file;
    };
  }
}

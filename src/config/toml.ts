/**
 * smol-toml's parser, in a module of its own so that it is loaded only where a TOML text is parsed
 * (a `config.toml` that exists, a `-c` flag): a run without either loads no npm package for it.
 * Imported through constant specifiers (see `BUILD.lazyModules`).
 */

export { parse, TomlError } from "smol-toml";

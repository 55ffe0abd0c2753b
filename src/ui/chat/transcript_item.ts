/**
 * What a transcript item is to the chat's screen. Any pi-tui component can be an item. One that
 * can still change (a running tool call, a streaming answer, a retry line, a plan being worked
 * through) says so with `finished: false` until it is done; every other item is finished as soon as
 * it is added. Finished items are written once into the terminal's scrollback and rendered again
 * only after a resize, so an item's `render` must give the same lines for the same width once it
 * is finished.
 */

import type { Component } from "@mariozechner/pi-tui";
import { Text } from "./pi_tui.ts";

/** A transcript item that may still change. */
export interface LiveItem extends Component {
  /** False while the item can change; once true, it never changes again. */
  readonly finished: boolean;
}

/**
 * A component whose lines are never wider than the width it renders for, so the screen need not
 * measure them (measuring every line of a long history costs more than laying it out).
 */
export interface FitsWidth extends Component {
  readonly fitsWidth: true;
}

/** True when `component` says its lines never exceed the width (see `FitsWidth`). */
export function fitsWidth(component: Component): boolean {
  return "fitsWidth" in component && component.fitsWidth === true;
}

/** True when `component` will not change any more (components without `finished` never do). */
export function isFinished(component: Component): boolean {
  return !("finished" in component) || component.finished !== false;
}

/**
 * A component whose lines are computed once per width: subclasses draw, and call `changed()`
 * when what they show changes. Rendering a finished item again at the same width costs nothing.
 */
export abstract class CachedComponent implements FitsWidth {
  readonly fitsWidth = true;
  #width = -1;
  #lines: string[] = [];

  /** The component's lines at `width` columns, none wider (the screen does not check them). */
  protected abstract draw(width: number): string[];

  /** Forgets the drawn lines: the next render draws again. */
  protected changed(): void {
    this.#width = -1;
  }

  render(width: number): string[] {
    if (width !== this.#width) {
      this.#lines = this.draw(width);
      this.#width = width;
    }
    return this.#lines;
  }

  invalidate(): void {
    this.changed();
    this.#lines = [];
  }
}

/** A line of text that is updated in place (a retry notice) until `finish()`. */
export class LiveText extends Text implements LiveItem, FitsWidth {
  readonly fitsWidth = true;
  #finished = false;

  get finished(): boolean {
    return this.#finished;
  }

  /** The text will not change again. */
  finish(): void {
    this.#finished = true;
  }
}

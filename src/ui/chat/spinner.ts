/**
 * The working indicator: a blank line, then an animated mark and what the turn is doing. Each tick
 * asks the screen to repaint this component alone, so waiting costs one short line a tick.
 */

import type { Component } from "@mariozechner/pi-tui";
import { truncateToWidth } from "./pi_tui.ts";
import type { Style } from "../style.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
/** How often the mark moves. */
export const SPINNER_TICK_MS = 80;

/** What the spinner needs from the screen: a repaint of itself. */
export interface Repaint {
  repaint(component: Component): void;
}

/** The indicator; it shows nothing while stopped. */
export class Spinner implements Component {
  readonly #screen: Repaint;
  readonly #style: Style;
  #message = "";
  #frame = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #width = -1;
  #lines: string[] = [];

  constructor(screen: Repaint, style: Style) {
    this.#screen = screen;
    this.#style = style;
  }

  /** Shows `message` and animates until `stop()`. */
  start(message: string): void {
    this.#message = message;
    this.#frame = 0;
    clearInterval(this.#timer);
    this.#timer = setInterval(() => {
      this.#frame = (this.#frame + 1) % FRAMES.length;
      this.#changed();
    }, SPINNER_TICK_MS);
    this.#changed();
  }

  /** Changes what the turn is said to be doing. */
  setMessage(message: string): void {
    if (message === this.#message) return;
    this.#message = message;
    this.#changed();
  }

  /** Hides the indicator. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#changed();
  }

  render(width: number): string[] {
    if (this.#width !== width) {
      const style = this.#style;
      this.#lines = this.#timer === undefined ? [] : [
        "",
        truncateToWidth(
          ` ${style.cyan(FRAMES[this.#frame])} ${style.dim(this.#message)}`,
          Math.max(1, width),
          "…",
        ),
      ];
      this.#width = width;
    }
    return this.#lines;
  }

  invalidate(): void {
    this.#width = -1;
  }

  #changed(): void {
    this.#width = -1;
    this.#screen.repaint(this);
  }
}

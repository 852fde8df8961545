/**
 * Text as it may reach the terminal: control characters (escape sequences that clear the screen,
 * set the window title, hide text or write the clipboard), C1 controls and bidirectional
 * overrides are shown as escapes instead of acting. Applied to everything printed, since model
 * ids, gateway messages, file contents and error texts come from the network or from files; the
 * tool's own colours are added afterwards. A carriage return before a line end (CRLF files) is dropped.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r(?=\n|$)/g, '').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

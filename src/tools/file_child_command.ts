/** The hidden command that starts the file tools' sandboxed child (`pixir __file-tools`). */
export const FILE_TOOLS_COMMAND = "__file-tools";

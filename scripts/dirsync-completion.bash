# Bash completion for dirsync: source this file (from ~/.bashrc, say) and press Tab after `dirsync`.
# dirsync answers its own `[suggest:<cursor>]` directive (System.CommandLine's, which dotnet-suggest's
# shell shims call too) with the words that may come at the cursor; this filters them by what is typed.
_dirsync() {
  local IFS=$'\n'
  local current="${COMP_WORDS[COMP_CWORD]}"
  COMPREPLY=($(compgen -W "$(dirsync "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${current}"))
}
complete -o default -F _dirsync dirsync

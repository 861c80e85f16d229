#compdef aiosyslogd
# zsh completion for aiosyslogd: `aiosyslogd completion zsh`.
# Adapted from urfave/cli's autocomplete/zsh_autocomplete (MIT licence).

_aiosyslogd() {
  local -a opts
  local cur
  cur=${words[-1]}
  if [[ "$cur" == "-"* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} --generate-bash-completion)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}

if [[ "$funcstack[1]" == "_aiosyslogd" ]]; then
  _aiosyslogd "$@"
else
  compdef _aiosyslogd aiosyslogd
fi

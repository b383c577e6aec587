# bash completion for runlens — `make install` puts it in the
# bash-completion folder as "runlens"; or source this file.
#
# Every candidate comes from runlens itself: `runlens __complete WORD…`
# (the words after "runlens", up to the one under the cursor) reads the
# command table and the store (cli/complete.c).  Its first line says what
# the shell adds by itself: "files", "dirs" or "words" (nothing more).

_runlens()
{
	local -a words=()
	local cword=-1 i pos=0 w line=${COMP_LINE-}
	# bash splits "proj@last" or "--sort=name" at COMP_WORDBREAKS; join
	# back the pieces that had no blank between them on the line
	for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		local rest=${line:pos} glued=0
		local blanks=${rest%%[![:space:]]*}
		if [[ -n $line && $i -gt 0 && -z $blanks && ${rest:0:${#w}} == "$w" ]]; then
			glued=1
		fi
		[[ -n $line && ${rest:${#blanks}:${#w}} == "$w" ]] && pos=$((pos + ${#blanks} + ${#w}))
		if ((glued)); then
			words[${#words[@]} - 1]+=$w
		else
			words+=("$w")
		fi
		((i == COMP_CWORD)) && cword=$((${#words[@]} - 1))
	done
	((cword > 0)) || return 0

	local cur=${COMP_WORDS[COMP_CWORD]} full=${words[cword]}
	# what bash will replace is CUR, the end of FULL
	local lead=${full%"$cur"}
	local bin=${words[0]}
	[[ $bin == "~/"* ]] && bin=$HOME/${bin#"~/"}

	local -a out=()
	mapfile -t out < <("$bin" __complete "${words[@]:1:cword}" 2>/dev/null)
	((${#out[@]})) || return 0
	COMPREPLY=()
	local c
	for c in "${out[@]:1}"; do
		[[ $c == "$lead"* ]] && COMPREPLY+=("${c#"$lead"}")
	done
	case ${out[0]} in
	files)
		compopt -o filenames 2>/dev/null
		mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
		;;
	dirs)
		compopt -o filenames 2>/dev/null
		mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$cur")
		;;
	esac
	return 0
}
complete -F _runlens runlens

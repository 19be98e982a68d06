# bash completion for gazette(1); installed as
# $(PREFIX)/share/bash-completion/completions/gazette
_gazette()
{
	local cur prev cmd sub i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=
	sub=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*)
			if [[ -z $cmd ]]; then
				cmd=${COMP_WORDS[i]}
			elif [[ $cmd == archive && -z $sub ]]; then
				sub=${COMP_WORDS[i]}
			fi
			;;
		esac
	done

	case $prev in
	-s | --source | -o | --out)
		if [[ $cmd == archive && $sub == pull && $prev == -o ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		else
			COMPREPLY=($(compgen -d -- "$cur"))
		fi
		return
		;;
	-f | --format)
		COMPREPLY=($(compgen -W "text json" -- "$cur"))
		return
		;;
	-j | --jobs | -p | --port | -n | --limit | -r | --rev | --as-of | -b | --bind | \
		--township | --village | --industry | --person | --tag | --from | --to | --slug | -t)
		return
		;;
	esac

	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "build serve new check log archive version help --version --help" -- "$cur"))
		return
	fi

	local opts=
	case $cmd in
	build) opts="--source --out --rev --as-of --drafts --future --full --keep-going --allow-shrink --jobs --quiet --verbose --help" ;;
	serve) opts="--source --bind --port --drafts --jobs --help" ;;
	new)
		if [[ $cur != -* ]] && ((COMP_CWORD == 2)); then
			COMPREPLY=($(compgen -W "story policy leaflet" -- "$cur"))
			return
		fi
		opts="--source --township --village --slug --help"
		;;
	check) opts="--source --format --install-hook --help" ;;
	log) opts="--source --rev --json --help" ;;
	archive)
		if [[ -z $sub ]]; then
			COMPREPLY=($(compgen -W "search pull" -- "$cur"))
			return
		fi
		case $sub in
		search) opts="--source --township --village --industry --person --tag --from --to --rev --as-of --limit --json --help" ;;
		pull) opts="--out --script --force --source --help" ;;
		esac
		;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	elif [[ $cmd == log ]]; then
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _gazette gazette

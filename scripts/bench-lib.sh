# Sourced by the bench scripts that time clean builds; $B is the bench folder.
#
# This machine's ext4 keeps no journal, and then, looking for a free inode,
# it passes over every inode freed in the last minute (six while the freed
# inode's table block is not yet on disk). A clean build writes 20,000 files:
# one made right after a folder like that was deleted ran up to twice as
# slow, and each deletion made the next build slower still (7.5 s to 17.6 s
# for the same build within one run). So the scripts delete nothing between
# timed builds (trash moves a folder aside; it is deleted at the end), and
# before each timed build settle writes out what is pending and waits until
# the last deletion is a minute old.

bench_deleted=0

# forget PATH…: delete now, outside any timing, and note when.
forget() {
	rm -rf "$@"
	bench_deleted=$(date +%s)
}

# trash PATH…: move each that exists into $B/trash.
trash() {
	mkdir -p "$B/trash"
	for t; do
		[ ! -e "$t" ] || mv "$t" "$(mktemp -d "$B/trash/XXXXXX")/"
	done
}

settle() {
	sync
	wait=$((bench_deleted + 61 - $(date +%s)))
	[ "$bench_deleted" = 0 ] || [ "$wait" -le 0 ] || sleep "$wait"
}

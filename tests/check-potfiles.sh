#!/bin/sh
# check-potfiles.sh SRCDIR: po/POTFILES.in lists exactly the files with
# translatable strings (_(), N_(), ngettext, C_(), translatable="yes"), and
# every file it lists exists.  A new or renamed file fails here, not silently
# in a translation that never shows up.
set -u
top=$1
status=0
listed=$(grep -v '^#' "$top/po/POTFILES.in" | sed '/^$/d' | sort)

for f in $listed; do
  if [ ! -f "$top/$f" ]; then
    echo "po/POTFILES.in lists $f, which does not exist"
    status=1
  fi
done

found=$(cd "$top" && grep -rlE '(^|[^A-Za-z0-9_])(N?_|C_|g?ngettext|NC_) ?\(|translatable="yes"' \
          src --include='*.c' --include='*.h' --include='*.ui' | sort)
for f in $found; do
  if ! printf '%s\n' "$listed" | grep -qxF "$f"; then
    echo "$f has translatable strings but is not in po/POTFILES.in"
    status=1
  fi
done

[ $status -eq 0 ] && echo "po/POTFILES.in: $(printf '%s\n' "$listed" | wc -l) files, all present"
exit $status

#!/bin/sh
# check-po.sh SRCDIR LANG: po/LANG.po translates every string of the current
# sources, with matching format specifiers.
#
# The template is made here, from po/POTFILES.in, with the keywords and flags
# of meson's i18n "glib" preset (the same template `ninja botbench-pot`
# writes; .ui, .desktop, metainfo and gschema files go through gettext's ITS
# rules), so a string added to the code without a translation fails here.
# po/LANG.po is merged against it in a temporary file (po/ stays untouched),
# then `msgfmt --check` must pass with 0 untranslated and 0 fuzzy messages.
# xgettext's own warnings fail too: a format macro spliced into a msgid
# ("%" G_GINT64_FORMAT) leaves a msgid that is not a valid C format string.
set -u
top=$1
lang=$2
po="$top/po/$lang.po"

for tool in xgettext msgmerge msgfmt msgattrib; do
  if ! command -v $tool >/dev/null 2>&1; then
    echo "check-po: $tool not found (Debian package gettext)"
    exit 1
  fi
done
if [ ! -f "$po" ]; then
  echo "check-po: $po does not exist"
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0

grep -v '^#' "$top/po/POTFILES.in" | sed '/^$/d' > "$tmp/files"

# meson's PRESET_ARGS['glib'] (mesonbuild/modules/i18n.py)
if ! (cd "$top" && xgettext --package-name=botbench --from-code=UTF-8 --add-comments \
        --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
        --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
        --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
        --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
        --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
        --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
        --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
        --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
        --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format \
        -f "$tmp/files" -o "$tmp/botbench.pot") 2> "$tmp/xgettext.log"; then
  cat "$tmp/xgettext.log"
  echo "check-po: xgettext failed"
  exit 1
fi
if grep -q . "$tmp/xgettext.log"; then
  cat "$tmp/xgettext.log"
  echo "check-po: xgettext warns (a msgid must be one plain literal: no format macro spliced in)"
  status=1
fi

if ! msgmerge --quiet --previous -o "$tmp/$lang.po" "$po" "$tmp/botbench.pot" 2> "$tmp/msgmerge.log"; then
  cat "$tmp/msgmerge.log"
  echo "check-po: msgmerge failed on $po"
  exit 1
fi

# Mismatched format specifiers, bad plural forms or header: msgfmt errors
if ! msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2> "$tmp/msgfmt.log"; then
  sed "s|$tmp/$lang.po|po/$lang.po (merged)|" "$tmp/msgfmt.log"
  echo "check-po: msgfmt --check fails on po/$lang.po"
  status=1
else
  echo "po/$lang.po: $(cat "$tmp/msgfmt.log")"
fi

# Each untranslated or fuzzy message, where it is used and its msgid
report() {
  kind=$1
  shift
  msgattrib --no-obsolete --no-wrap "$@" "$tmp/$lang.po" 2>/dev/null |
    awk -v kind="$kind" '
      /^#: / { refs = refs " " substr($0, 4); next }
      /^msgid "/ { id = substr($0, 7); next }
      /^msgid_plural / || /^msgstr/ || /^$/ {
        if (id != "" && id != "\"\"") { printf "%s:%s\n    %s\n", kind, refs, id; n++ }
        id = ""; refs = ""; next }
      END { exit n > 0 }'
}
report untranslated --untranslated || status=1
report fuzzy --only-fuzzy || status=1

[ $status -eq 0 ] && echo "po/$lang.po: complete, 0 untranslated, 0 fuzzy"
exit $status

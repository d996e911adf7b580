#!/bin/sh
# The mobile API end to end with nothing but curl (issue #13, "done when"): sign in as a demo
# deputy, read my score, submit a ledger entry with a photo, and see it pending.
#
#   scripts/api_smoke.sh [base URL] [username] [password]
#   (defaults: http://127.0.0.1:8000 d001 lvzhi2026, the demo of `manage.py seed_demo`)
#
# Exits non-zero at the first step that does not answer as it should. Tokens stay in shell
# variables: never on the command line of another process, never in a URL.
set -eu

BASE=${1:-http://127.0.0.1:8000}
USERNAME=${2:-d001}
PASSWORD=${3:-lvzhi2026}
API="$BASE/api/v1"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fail() { echo "FAILED: $*" >&2; exit 1; }
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$2" | head -n 1; }

echo "1. sign in as $USERNAME"
code=$(curl -sS -o "$WORK/token.json" -w '%{http_code}' -X POST "$API/auth/token/" \
  -H 'Content-Type: application/json' \
  -d "{\"username\": \"$USERNAME\", \"password\": \"$PASSWORD\", \"client\": \"api_smoke.sh\"}")
[ "$code" = 200 ] || fail "token: HTTP $code $(cat "$WORK/token.json")"
ACCESS=$(field access "$WORK/token.json")
[ -n "$ACCESS" ] || fail "no access token in the answer"
echo "   got an access token (expires $(field access_expires_at "$WORK/token.json"))"

auth() { curl -sS -H "Authorization: Bearer $ACCESS" "$@"; }

echo "2. read my score"
code=$(auth -o "$WORK/score.json" -w '%{http_code}' "$API/me/score/")
[ "$code" = 200 ] || fail "score: HTTP $code $(cat "$WORK/score.json")"
grep -q '"breakdown"' "$WORK/score.json" || fail "score has no breakdown"
echo "   $(grep -o '"year":[0-9]*' "$WORK/score.json"), $(grep -o '"total":[^,]*' "$WORK/score.json"), $(grep -o '"grade_label":[^,]*' "$WORK/score.json")"

echo "3. pick a rule I may submit this year"
YEAR=$(grep -o '"year":[0-9]*' "$WORK/score.json" | head -n 1 | cut -d: -f2)
code=$(auth -o "$WORK/rules.json" -w '%{http_code}' \
  "$API/ledger/rules/?year=$YEAR&self_service=true&page_size=100")
[ "$code" = 200 ] || fail "rules: HTTP $code"
RULE=$(field code "$WORK/rules.json")
[ -n "$RULE" ] || fail "no self-service rule in $YEAR"
echo "   rule $RULE"

echo "4. submit an entry with a photo"
# A 1×1 PNG, written with printf so the script needs no image tool.
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001\000\000\000\001\010\006\000\000\000\037\025\304\211\000\000\000\rIDATx\234c\370\017\000\000\001\001\000\005\030\330N\000\000\000\000IEND\256B`\202' > "$WORK/photo.png"
TODAY=$(date +%Y-%m-%d)
[ "${TODAY%%-*}" = "$YEAR" ] || TODAY="$YEAR-01-02"
code=$(auth -o "$WORK/entry.json" -w '%{http_code}' -X POST "$API/ledger/entries/" \
  -F "rule=$RULE" -F "occurred_on=$TODAY" -F "title=接口冒烟测试：走访社区" \
  -F "place=示范社区" -F "files=@$WORK/photo.png;type=image/png")
[ "$code" = 201 ] || fail "submit: HTTP $code $(cat "$WORK/entry.json")"
ENTRY=$(grep -o '"id":[0-9]*' "$WORK/entry.json" | head -n 1 | cut -d: -f2)
echo "   entry $ENTRY created"

echo "5. see it pending"
code=$(auth -o "$WORK/pending.json" -w '%{http_code}' "$API/ledger/entries/$ENTRY/")
[ "$code" = 200 ] || fail "entry: HTTP $code"
grep -q '"status":"pending"' "$WORK/pending.json" || fail "entry is not pending: $(cat "$WORK/pending.json")"
grep -q '"name":"photo.png"' "$WORK/pending.json" || fail "the photo is not on the entry"
code=$(auth -o "$WORK/list.json" -w '%{http_code}' "$API/ledger/entries/?status=pending")
grep -q "\"id\":$ENTRY," "$WORK/list.json" || fail "entry $ENTRY is not in my pending list"
echo "   entry $ENTRY is pending (待审核) with its photo"

echo "6. log out (the token stops working)"
auth -o /dev/null -X POST "$API/auth/logout/"
code=$(auth -o /dev/null -w '%{http_code}' "$API/me/")
[ "$code" = 401 ] || fail "a revoked token still works (HTTP $code)"
echo "OK"

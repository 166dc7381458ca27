#!/usr/bin/env bash
# Refreshes nimbus-desktop's translation source from the code. lupdate does
# not follow C++17 nested namespaces, so its context names get the
# nimbus::desktop:: prefix that tr() uses at run time added here.
set -euo pipefail
cd "$(dirname "$0")/.."
ts=src/desktop/translations/nimbus_desktop_zh_CN.ts
sed -i -E 's|<name>nimbus::desktop::([A-Za-z]+)</name>|<name>\1</name>|' "$ts"
# The app's sources only: tests name contexts too.
/usr/lib/qt6/bin/lupdate -no-obsolete \
  $(ls src/desktop/*.cc src/desktop/*.h | grep -vE '_test\.cc$|fake_') -ts "$ts"
sed -i -E 's|<name>([A-Z][A-Za-z]+)</name>|<name>nimbus::desktop::\1</name>|; s|<name>nimbus::desktop::ApiResult</name>|<name>ApiResult</name>|' "$ts"
echo "now translate the entries marked unfinished in $ts (Qt Linguist: /usr/lib/qt6/bin/linguist)"

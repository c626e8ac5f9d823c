#!/usr/bin/env bash
# Refreshes src/EsimRenewal.Web/Accounts/Data/common-passwords.txt (and its licence) from the npm
# package @zxcvbn-ts/language-common. Usage: scripts/update-common-passwords.sh <version>
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:?the package version to take, e.g. 4.1.3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@zxcvbn-ts/language-common@$version" >/dev/null && tar xzf ./*.tgz)
data=src/EsimRenewal.Web/Accounts/Data
node -e 'for (const p of require(process.argv[1])) process.stdout.write(p + "\n")' "$work/package/src/passwords.json" >"$data/common-passwords.txt"
cp "$work/package/LICENSE.txt" "$data/common-passwords.LICENSE.txt"
echo "$(wc -l <"$data/common-passwords.txt") passwords from @zxcvbn-ts/language-common@$version; update the version in $data/README.md"

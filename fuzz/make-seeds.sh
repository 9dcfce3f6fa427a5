#!/usr/bin/env bash
# Regenerates fuzz/seeds/ from the golden sync files (tests/fixtures/sync-v1) and a fresh
# enrolment request. Needs the `hoso` CLI (make cli), age, zstd, tar and python3. The output is
# committed; run this again only when a parsed format changes.
set -euo pipefail
cd "$(dirname "$0")/.."
HOSO=${HOSO:-${CARGO_TARGET_DIR:-$HOME/.cache/hoso-target}/debug/hoso}
golden=tests/fixtures/sync-v1
seeds=fuzz/seeds
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
rm -rf "$seeds"; mkdir -p "$seeds"/{bundle_file,manifest,roster,segment_stream,ops,key_file,enrolment,typed_values}

cp "$golden"/hn.hoso-db "$golden"/hn.hoso-db.keys "$work"/
export HOSO_PASSPHRASE='mật khẩu' HOSO_OFFICER=admin
"$HOSO" --register "$work/hn.hoso-db" key export-age-identity --out "$work/hn.age" >/dev/null
for b in "$golden"/*.hoso; do
  name=$(basename "$b" .hoso)
  cp "$b" "$seeds/bundle_file/$name"
  mkdir -p "$work/$name"; tar -xf "$b" -C "$work/$name"
  cp "$work/$name/manifest.json" "$seeds/manifest/$name"
  python3 - "$work/$name/manifest.json" "$seeds/roster/$name" <<'PY'
import json, sys
trust = json.load(open(sys.argv[1])).get("trust")
if trust and trust.get("roster"):
    json.dump(trust["roster"], open(sys.argv[2], "w"), ensure_ascii=False)
PY
  # Bundles addressed to HN open with HN's identity; the stream is the decrypted payload.
  if age -d -i "$work/hn.age" "$work/$name/payload.age" 2>/dev/null | zstd -dq > "$work/$name.stream"; then
    cp "$work/$name.stream" "$seeds/segment_stream/$name"
    python3 - "$work/$name.stream" "$seeds/ops/$name" <<'PY'
import struct, sys
data, out = open(sys.argv[1], "rb").read(), sys.argv[2]
i = 8
if data[:8] == b"HOSOSEG2":
    (n,) = struct.unpack(">I", data[8:12]); i = 12 + n
k = 0
while i < len(data) and data[i] == 1:
    olen = data[i + 1]; i += 2 + olen
    (jlen,) = struct.unpack(">I", data[i:i + 4]); i += 4
    open(f"{out}-{k}", "wb").write(data[i:i + jlen]); i += jlen; k += 1
    (slen,) = struct.unpack(">H", data[i:i + 2]); i += 2 + slen
PY
  fi
done
cp "$golden"/hn.hoso-db.keys "$seeds/key_file/hn"
"$HOSO" init --register "$work/dn.hoso-db" --office DN --office-name "Ủy ban Kiểm tra Đảng ủy Công an tỉnh Đồng Nai" \
  --officer-name "Nguyễn Văn An" --enroll-out "$seeds/enrolment/dn" >/dev/null
printf '%s' "15/03/2026" > "$seeds/typed_values/date-vn"
printf '%s' "2026-03-15" > "$seeds/typed_values/date-iso"
printf '%s' "inspection-on-signs" > "$seeds/typed_values/kind"
printf '%s' "khiển trách" > "$seeds/typed_values/form-vi"
printf '%s' "Đảng ủy Phòng Cảnh sát kinh tế" > "$seeds/typed_values/text"
find "$seeds" -type f | sort | sed 's/^/  /'

#!/usr/bin/env python3
"""Prints the current authenticator code (TOTP, RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) for a
base32 key -- by default the demo admin's public key (DemoData.AdminAuthenticatorKey), for local demos
without an authenticator app. Usage: scripts/demo-totp.py [KEY]
"""
import base64
import hashlib
import hmac
import struct
import sys
import time

DEMO_ADMIN_KEY = "DEMOADMINKEYDEMOADMINKEYDEMOADMI"  # DEMO ONLY: public, seeded with Seed:DemoData in Development

key = (sys.argv[1] if len(sys.argv) > 1 else DEMO_ADMIN_KEY).replace(" ", "").upper()
secret = base64.b32decode(key + "=" * (-len(key) % 8))
now = time.time()
digest = hmac.new(secret, struct.pack(">Q", int(now // 30)), hashlib.sha1).digest()
offset = digest[-1] & 0x0F
code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
print(f"{code:06d}  (valid for {30 - int(now) % 30} more seconds)")

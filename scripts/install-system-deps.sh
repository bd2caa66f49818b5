#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when they are missing:
# chromium (browser tests, driven by Playwright with executable_path; PDF letters), CJK fonts, Redis,
# nginx (a configuration check).
set -euo pipefail
# (grep without -q below: with pipefail, grep -q closing the pipe early makes fc-list die of SIGPIPE
# and the font would look missing.)
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
# Letters and reports are printed to PDF by Chromium, which embeds TrueType fonts as real font
# subsets (CFF-based Noto CJK would come out as Type 3 glyph drawings): a 宋体-style and a 黑体-style face.
fc-list 2>/dev/null | grep -i "AR PL UMing" >/dev/null || need+=(fonts-arphic-uming)
fc-list 2>/dev/null | grep -i "WenQuanYi Zen Hei" >/dev/null || need+=(fonts-wqy-zenhei)
# Redis: the shared cache of production (rate limits, lockouts); a test checks limits hold across clients.
command -v redis-server >/dev/null || need+=(redis-server)
# nginx: tests/test_deploy.py checks deploy/nginx/gongkai.conf with `nginx -t` (the daemon is not used).
command -v nginx >/dev/null || need+=(nginx-light)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${need[*]}. Install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

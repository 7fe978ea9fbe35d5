#!/bin/sh
# Install the system packages Missive needs (Tesseract with its languages, Chromium for
# the browser tests, fonts, Python's venv, Java 17 and Maven for the local SolrCloud,
# npm for the browser tests' JavaScript) when
# they are missing. Runs apt-get as root; otherwise prints the command to run.
set -e
need=""
command -v tesseract >/dev/null 2>&1 || need="$need tesseract-ocr"
for lang in eng fra deu spa rus; do
  [ -e "/usr/share/tesseract-ocr/5/tessdata/$lang.traineddata" ] \
    || [ -e "/usr/share/tesseract-ocr/4.00/tessdata/$lang.traineddata" ] \
    || need="$need tesseract-ocr-$lang"
done
[ -x /usr/bin/chromium ] || need="$need chromium"
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || need="$need fonts-dejavu-core"
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need="$need python3-venv"
# The local SolrCloud (solr/cluster.py): Solr 9 runs on Java 17 and its launcher is built
# with Maven (javac is in the JDK package).
command -v javac >/dev/null 2>&1 || need="$need openjdk-17-jdk-headless"
command -v mvn >/dev/null 2>&1 || need="$need maven"
# The browser tests run Mirador, axe-core and citeproc-js from npm (package.json).
command -v npm >/dev/null 2>&1 || need="$need npm"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages:$need"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $need >/dev/null
else
  echo "Missing system packages:$need" >&2
  echo "Install them with: sudo apt-get install$need" >&2
  exit 1
fi

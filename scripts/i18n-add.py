#!/usr/bin/env python3
"""Adds or updates UI strings in the three SharedResource resx files, kept sorted by key.

Usage: scripts/i18n-add.py strings.tsv
Each line of the TSV: key<TAB>zh-Hans<TAB>ja<TAB>en (lines starting with # are skipped).
"""
import os
import sys
from xml.sax.saxutils import escape
root = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'EsimRenewal.Web', 'Resources')
HEADER = '''<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype">
    <value>text/microsoft-resx</value>
  </resheader>
  <resheader name="version">
    <value>2.0</value>
  </resheader>
  <resheader name="reader">
    <value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value>
  </resheader>
  <resheader name="writer">
    <value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value>
  </resheader>
'''
import xml.etree.ElementTree as ET
def load(path):
    d = {}
    if os.path.exists(path):
        for data in ET.parse(path).getroot().findall('data'):
            d[data.get('name')] = data.find('value').text or ''
    return d
def save(path, d):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(HEADER)
        for k in sorted(d):
            f.write(f'  <data name="{escape(k, {chr(34): "&quot;"})}" xml:space="preserve">\n    <value>{escape(d[k])}</value>\n  </data>\n')
        f.write('</root>\n')
cultures = ['zh-Hans', 'ja', 'en']
def main():
    tables = {c: load(os.path.join(root, f'SharedResource.{c}.resx')) for c in cultures}
    for line in open(sys.argv[1], encoding='utf-8'):
        line = line.rstrip('\n')
        if not line.strip() or line.startswith('#'):
            continue
        parts = line.split('\t')
        if len(parts) != 4:
            sys.exit(f'bad line: {line!r}')
        key, *vals = parts
        for c, v in zip(cultures, vals):
            tables[c][key] = v
    for c in cultures:
        save(os.path.join(root, f'SharedResource.{c}.resx'), tables[c])
    print('keys:', len(tables['en']))
if __name__ == '__main__':
    main()

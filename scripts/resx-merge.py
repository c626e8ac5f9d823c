#!/usr/bin/env python3
"""Resolves a git merge conflict in the SharedResource resx files: the union of both sides' keys
(on a key both sides changed, 'ours' wins and the key is reported). Run during a conflicted merge."""
import importlib.util, os, subprocess, sys, xml.etree.ElementTree as ET
here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('i18n', os.path.join(here, 'i18n-add.py'))
i18n = importlib.util.module_from_spec(spec)
spec.loader.exec_module(i18n)
def side(stage, path):
    xml = subprocess.run(['git', 'show', f':{stage}:{path}'], capture_output=True, text=True, check=True).stdout
    return {d.get('name'): d.find('value').text or '' for d in ET.fromstring(xml).findall('data')}
for culture in ['zh-Hans', 'ja', 'en']:
    path = f'src/EsimRenewal.Web/Resources/SharedResource.{culture}.resx'
    ours, theirs = side(2, path), side(3, path)
    merged = {**theirs, **ours}
    for k in sorted(set(ours) & set(theirs)):
        if ours[k] != theirs[k]:
            print(f'{culture}: {k} differs; kept ours', file=sys.stderr)
    i18n.save(path, merged)
    print(culture, len(merged))

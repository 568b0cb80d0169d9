import { describe, expect, it } from 'vitest';
import { pickerTypes } from '../../src/file-handles.js';

describe('pickerTypes: the accept attribute as showOpenFilePicker filters', () => {
  it('gives no filter for no accept', () => {
    expect(pickerTypes(undefined)).toBeUndefined();
    expect(pickerTypes(' , ')).toBeUndefined();
  });

  it('keys MIME types as themselves and bare extensions under application/octet-stream', () => {
    expect(pickerTypes('image/*, .pdf,video/mp4,.tar.gz')).toEqual([
      { accept: { 'image/*': [], 'application/octet-stream': ['.pdf', '.tar.gz'], 'video/mp4': [] } },
    ]);
  });

  it('is null for what the picker would refuse, so the element uses its <input> instead', () => {
    expect(pickerTypes('.a b')).toBeNull();
    expect(pickerTypes('.averyveryverylongextension')).toBeNull();
    expect(pickerTypes('images')).toBeNull();
  });
});

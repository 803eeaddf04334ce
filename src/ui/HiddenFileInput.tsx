/**
 * A hidden one-file <input type="file">, opened by a button through its ref. The value is reset
 * after each pick, so choosing the same file again fires again.
 */
import { forwardRef } from 'react';

interface Props {
  accept: string;
  testId: string;
  onFile: (file: File) => void;
}

export const HiddenFileInput = forwardRef<HTMLInputElement, Props>(function HiddenFileInput({ accept, testId, onFile }, ref) {
  return (
    <input
      ref={ref}
      type="file"
      accept={accept}
      hidden
      data-testid={testId}
      onChange={(e) => {
        const f = e.target.files?.[0];
        e.target.value = '';
        if (f) onFile(f);
      }}
    />
  );
});

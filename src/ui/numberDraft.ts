/**
 * The draft text of a number input: what the person is typing stays as typed (an empty or
 * half-typed number is not forced back) and is committed only when `valid`; when the input is not
 * focused it follows `value`. Shared by the Train panel's whole-number fields and the Quality
 * setting's decimal ones.
 */
import { useEffect, useState, type ChangeEvent } from 'react';

export function useNumberDraft(value: number, valid: (text: string) => boolean, onValue: (v: number) => void) {
  const [text, setText] = useState(String(value));
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) setText(String(value));
  }, [value, focused]);
  return {
    value: text,
    'aria-invalid': !valid(text),
    onFocus: () => setFocused(true),
    onBlur: () => {
      setFocused(false);
      setText(String(value));
    },
    onChange: (e: ChangeEvent<HTMLInputElement>) => {
      setText(e.target.value);
      if (valid(e.target.value)) onValue(Number(e.target.value));
    },
  };
}

import { useEffect, useState } from 'react';

/** Copy a text to the clipboard; the button says "Copied" until the text changes. */
export function CopyButton({ text, label, title }: { text: string; label: string; title?: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => setCopied(false), [text]);
  return (
    <button
      type="button"
      className="copy-btn"
      title={title ?? label}
      onClick={() => {
        void navigator.clipboard.writeText(text).then(() => setCopied(true));
      }}
    >
      {copied ? 'Copied' : label}
    </button>
  );
}

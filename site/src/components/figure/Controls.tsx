import { useId } from 'react';

/** Props of a labelled range slider. */
export interface SliderProps {
  /** Visible label text. */
  label: string;
  /** Stable name for tests (`data-control`). */
  name: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange: (value: number) => void;
  /** How the current value is shown next to the label (default: the number). */
  format?: (value: number) => string;
}

/** A keyboard-accessible slider with a visible label and its current value. */
export function Slider({ label, name, value, min, max, step, onChange, format }: SliderProps) {
  const id = useId();
  const shown = format ? format(value) : String(value);
  return (
    <div className="control">
      <label htmlFor={id}>
        {label}: <output htmlFor={id}>{shown}</output>
      </label>
      <input
        id={id}
        type="range"
        data-control={name}
        min={min}
        max={max}
        step={step}
        value={value}
        aria-valuetext={`${label} ${shown}`}
        onChange={(e) => onChange(Number(e.currentTarget.value))}
      />
    </div>
  );
}

/** Props of a labelled select. */
export interface ChoiceProps<T extends string> {
  label: string;
  name: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
}

/** A labelled `<select>`. */
export function Choice<T extends string>({
  label,
  name,
  value,
  options,
  onChange,
}: ChoiceProps<T>) {
  const id = useId();
  return (
    <div className="control">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        data-control={name}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value as T)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Formats a number with `digits` significant digits. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return x.toExponential(digits - 1);
  return String(Number(x.toPrecision(digits)));
}

/**
 * A stage's one action button: Cancel while it runs, else the start label. Test ids are
 * `<stage>-cancel` and `<stage>-start`, as the e2e tests find them.
 */
export function StageRunButton({ stage, running, onCancel, onStart, startLabel }: {
  stage: string;
  running: boolean;
  onCancel: () => void;
  onStart: () => void;
  startLabel: string;
}) {
  return (
    <div className="train-actions">
      {running ? (
        <button type="button" className="btn" onClick={onCancel} data-testid={`${stage}-cancel`}>
          Cancel
        </button>
      ) : (
        <button type="button" className="btn" onClick={onStart} data-testid={`${stage}-start`}>
          {startLabel}
        </button>
      )}
    </div>
  );
}

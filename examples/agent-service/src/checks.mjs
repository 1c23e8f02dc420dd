// What a production agent does around its model calls, reduced to the
// smallest honest version so that llmeter's guardrail, evaluation and
// outcome metrics come from the service itself:
//   - a PII guardrail that redacts e-mail addresses before the question
//     reaches the model (a real one would cover more than e-mail);
//   - an inline evaluation of the answer (real evaluations, e.g. an LLM
//     judge, usually run later on sampled traces);
//   - the agent's outcome: a run with a failed tool did not fully succeed,
//     even though the agent answered.

export const PII_GUARDRAIL = 'pii';
export const ANSWER_EVALUATION = 'answer_present';

const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;

/** The question with e-mail addresses redacted; records the guardrail when it acted. */
export function redactPii(recorder, question) {
  const redacted = question.replace(EMAIL, '[email]');
  if (redacted !== question) recorder.recordGuardrail({ name: PII_GUARDRAIL, action: 'redacted' });
  return redacted;
}

/** Records the answer's evaluation and the agent's outcome. */
export function judgeRun(recorder, agentName, { answer, tools }) {
  const answered = typeof answer === 'string' && answer.trim().length > 0;
  recorder.recordEvaluation({ name: ANSWER_EVALUATION, scoreLabel: answered ? 'pass' : 'fail' });
  const success = answered && tools.every((t) => t.ok);
  recorder.recordAgentOutcome({ agentName, outcome: success ? 'success' : 'failure' });
}

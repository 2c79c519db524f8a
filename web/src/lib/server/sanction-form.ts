// Reading the sanction fields (SanctionFields.svelte) into the API's body.
import { text } from '$lib/forms';

const FIELDS = ['sanction', 'probationMonths', 'violation', 'authority', 'caseNumber', 'decisionDate', 'effectiveDate', 'criminalReferral', 'notes'] as const;

export function readSanctionForm(data: FormData) {
  const values: Record<string, string> = Object.fromEntries(FIELDS.map((f) => [f, text(data, f)]));
  const errors: Record<string, string> = {};
  const [system, type] = values.sanction!.split(':');
  if (!system || !type) errors.sanction = '请选择处分';
  if (!values.violation) errors.violation = '请选择违反的纪律';
  if (!values.authority) errors.authority = '请填写决定机关';
  if (!values.decisionDate) errors.decisionDate = '请填写决定日期';
  if (!values.effectiveDate) errors.effectiveDate = '请填写生效日期';
  const body = {
    system: system as 'party',
    type: type ?? '',
    probationMonths: values.probationMonths === '12' ? (12 as const) : values.probationMonths === '24' ? (24 as const) : null,
    violation: values.violation as 'integrity',
    authority: values.authority!,
    caseNumber: values.caseNumber!,
    decisionDate: values.decisionDate!,
    effectiveDate: values.effectiveDate!,
    criminalReferral: values.criminalReferral === 'on',
    notes: values.notes!,
  };
  return { values, errors, body: Object.keys(errors).length ? null : body };
}

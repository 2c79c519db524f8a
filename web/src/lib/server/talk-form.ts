// Reading the talk fields (TalkFields.svelte) into the API's body: new talks and corrections.
import { positiveInt, text } from '$lib/forms';

const FIELDS = ['kind', 'date', 'time', 'subjectPersonId', 'participantCount', 'leaderName', 'leaderTitle', 'topic', 'outcome', 'followUp'] as const;

/** `participantIds`: the named participants a correction keeps (the count then follows the names). */
export function readTalkForm(data: FormData, participantIds: number[] = []) {
  const values: Record<string, string> = Object.fromEntries(FIELDS.map((f) => [f, text(data, f)]));
  const kind = values.kind as 'collective';
  const errors: Record<string, string> = {};
  if (!values.kind) errors.kind = '请选择谈话类别';
  if (!values.date) errors.date = '请填写日期';
  const collective = kind === 'collective';
  const count = positiveInt(data, 'participantCount');
  const subject = positiveInt(data, 'subjectPersonId');
  if (collective && !count && !participantIds.length) errors.participantCount = '请填写参加人数';
  if (!collective && values.kind && !subject) errors.subjectPersonId = '请先在上方查找并选择谈话对象';
  const body = {
    kind,
    date: values.date!,
    time: values.time || null,
    ...(collective ? (participantIds.length ? { participantIds, ...(count ? { participantCount: count } : {}) } : { participantCount: count! }) : { subjectPersonId: subject! }),
    leaderName: values.leaderName!,
    leaderTitle: values.leaderTitle!,
    topic: values.topic!,
    outcome: values.outcome!,
    followUp: values.followUp!,
  };
  return { values, errors, body: Object.keys(errors).length ? null : body };
}

/**
 * The limits Discord enforces on message and modal bodies (API v10), reported the way Discord does:
 * 400 with code 50035 "Invalid Form Body" and an `errors` tree of `_errors` leaves. The simulator
 * rejects what Discord would reject, so a bot that passes here does not fail in production on size.
 */
export interface FormProblem {
  path: string[];
  code: string;
  message: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const lengthOf = (v: unknown): number => (typeof v === 'string' ? [...v].length : 0);

function maxLength(problems: FormProblem[], path: string[], value: unknown, max: number): void {
  if (typeof value === 'string' && lengthOf(value) > max) {
    problems.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
  }
}

function required(problems: FormProblem[], path: string[], value: unknown): void {
  if (value === undefined || value === null || value === '') {
    problems.push({ path, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  }
}

function validateEmbeds(problems: FormProblem[], embeds: unknown[]): void {
  if (embeds.length > 10) problems.push({ path: ['embeds'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' });
  let total = 0;
  embeds.forEach((raw, i) => {
    if (!isObject(raw)) return;
    const at = (...rest: string[]) => ['embeds', String(i), ...rest];
    maxLength(problems, at('title'), raw.title, 256);
    maxLength(problems, at('description'), raw.description, 4096);
    total += lengthOf(raw.title) + lengthOf(raw.description);
    const footer = isObject(raw.footer) ? raw.footer : undefined;
    maxLength(problems, at('footer', 'text'), footer?.text, 2048);
    total += lengthOf(footer?.text);
    const author = isObject(raw.author) ? raw.author : undefined;
    maxLength(problems, at('author', 'name'), author?.name, 256);
    total += lengthOf(author?.name);
    const fields = asArray(raw.fields);
    if (fields.length > 25) problems.push({ path: at('fields'), code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
    fields.forEach((field, j) => {
      if (!isObject(field)) return;
      required(problems, at('fields', String(j), 'name'), field.name);
      required(problems, at('fields', String(j), 'value'), field.value);
      maxLength(problems, at('fields', String(j), 'name'), field.name, 256);
      maxLength(problems, at('fields', String(j), 'value'), field.value, 1024);
      total += lengthOf(field.name) + lengthOf(field.value);
    });
  });
  if (total > 6000) problems.push({ path: ['embeds'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Embed size exceeds maximum size of 6000' });
}

function validateSelectOptions(problems: FormProblem[], path: string[], component: Json): void {
  const options = asArray(component.options);
  if (component.type === 3) {
    if (options.length < 1 || options.length > 25) {
      problems.push({ path: [...path, 'options'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 25 in length.' });
    }
    options.forEach((option, k) => {
      if (!isObject(option)) return;
      maxLength(problems, [...path, 'options', String(k), 'label'], option.label, 100);
      maxLength(problems, [...path, 'options', String(k), 'value'], option.value, 100);
      maxLength(problems, [...path, 'options', String(k), 'description'], option.description, 100);
    });
  }
}

function validateInteractive(problems: FormProblem[], path: string[], component: Json, seenIds: Set<string>): void {
  const customId = component.custom_id;
  if (typeof customId === 'string') {
    maxLength(problems, [...path, 'custom_id'], customId, 100);
    if (seenIds.has(customId)) {
      problems.push({ path: [...path, 'custom_id'], code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' });
    }
    seenIds.add(customId);
  }
  if (component.type === 2) {
    maxLength(problems, [...path, 'label'], component.label, 80);
    if (component.style !== 5 && component.style !== 6) required(problems, [...path, 'custom_id'], customId);
  } else if (typeof component.type === 'number' && component.type >= 3 && component.type <= 8) {
    required(problems, [...path, 'custom_id'], customId);
    maxLength(problems, [...path, 'placeholder'], component.placeholder, 150);
    validateSelectOptions(problems, path, component);
  }
}

/** Message components: at most 5 action rows of at most 5 buttons or 1 select menu (classic layout). */
export function validateMessageComponents(problems: FormProblem[], components: unknown[], componentsV2: boolean): void {
  const seenIds = new Set<string>();
  if (!componentsV2 && components.length > 5) {
    problems.push({ path: ['components'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 5 or fewer in length.' });
  }
  components.forEach((row, i) => {
    if (!isObject(row)) return;
    const rowPath = ['components', String(i)];
    if (row.type !== 1) {
      if (!componentsV2) problems.push({ path: [...rowPath, 'type'], code: 'UNION_TYPE_CHOICES', message: 'Top-level components must be action rows (type 1) unless IS_COMPONENTS_V2 is set' });
      return;
    }
    const children = asArray(row.components);
    if (children.length < 1 || children.length > 5) {
      problems.push({ path: [...rowPath, 'components'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 5 in length.' });
    }
    const hasSelect = children.some((c) => isObject(c) && typeof c.type === 'number' && c.type >= 3 && c.type <= 8);
    if (hasSelect && children.length > 1) {
      problems.push({ path: [...rowPath, 'components'], code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', message: 'The specified component exceeds the maximum width' });
    }
    children.forEach((child, j) => {
      if (isObject(child)) validateInteractive(problems, [...rowPath, 'components', String(j)], child, seenIds);
    });
  });
}

/** A message body (channel message, interaction reply, webhook follow-up, or an edit when `isEdit`). */
export function validateMessageBody(body: Json, options: { isEdit: boolean; fileCount: number }): FormProblem[] {
  const problems: FormProblem[] = [];
  maxLength(problems, ['content'], body.content, 2000);
  const embeds = asArray(body.embeds);
  validateEmbeds(problems, embeds);
  const flags = typeof body.flags === 'number' ? body.flags : 0;
  const componentsV2 = (flags & (1 << 15)) !== 0;
  const components = asArray(body.components);
  validateMessageComponents(problems, components, componentsV2);
  if (!options.isEdit) {
    const hasContent = typeof body.content === 'string' && body.content.trim().length > 0;
    const hasSomething = hasContent || embeds.length > 0 || components.length > 0 || options.fileCount > 0 || body.sticker_ids !== undefined || body.poll !== undefined;
    if (!hasSomething) problems.push({ path: [], code: '50006', message: 'Cannot send an empty message' });
  }
  return problems;
}

/** A modal (interaction callback type 9): title ≤ 45, 1–5 top-level components, text inputs ≤ 4000. */
export function validateModal(data: Json): FormProblem[] {
  const problems: FormProblem[] = [];
  required(problems, ['data', 'custom_id'], data.custom_id);
  maxLength(problems, ['data', 'custom_id'], data.custom_id, 100);
  required(problems, ['data', 'title'], data.title);
  maxLength(problems, ['data', 'title'], data.title, 45);
  const components = asArray(data.components);
  if (components.length < 1 || components.length > 5) {
    problems.push({ path: ['data', 'components'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 5 in length.' });
  }
  const seen = new Set<string>();
  components.forEach((top, i) => {
    if (!isObject(top)) return;
    const path = ['data', 'components', String(i)];
    const inputs: Array<[string[], Json]> = [];
    if (top.type === 1) {
      asArray(top.components).forEach((c, j) => isObject(c) && inputs.push([[...path, 'components', String(j)], c]));
    } else if (top.type === 18) {
      maxLength(problems, [...path, 'label'], top.label, 45);
      required(problems, [...path, 'label'], top.label);
      maxLength(problems, [...path, 'description'], top.description, 100);
      if (isObject(top.component)) inputs.push([[...path, 'component'], top.component]);
      else required(problems, [...path, 'component'], undefined);
    } else if (top.type !== 10) {
      problems.push({ path: [...path, 'type'], code: 'UNION_TYPE_CHOICES', message: `Component type ${String(top.type)} is not allowed in a modal` });
    }
    for (const [inputPath, input] of inputs) {
      if (input.type === 4) {
        if (top.type === 1) maxLength(problems, [...inputPath, 'label'], input.label, 45);
        maxLength(problems, [...inputPath, 'placeholder'], input.placeholder, 100);
        maxLength(problems, [...inputPath, 'value'], input.value, 4000);
        if (typeof input.max_length === 'number' && (input.max_length < 1 || input.max_length > 4000)) {
          problems.push({ path: [...inputPath, 'max_length'], code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 4000.' });
        }
      }
      if (typeof input.custom_id === 'string') {
        if (seen.has(input.custom_id)) problems.push({ path: [...inputPath, 'custom_id'], code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' });
        seen.add(input.custom_id);
      } else {
        required(problems, [...inputPath, 'custom_id'], undefined);
      }
    }
  });
  return problems;
}

/** Discord's nested `errors` object: `{ content: { _errors: [{ code, message }] } }`. */
export function toErrorTree(problems: readonly FormProblem[]): Json {
  const tree: Json = {};
  for (const problem of problems) {
    let node = tree;
    for (const key of problem.path) {
      const next = node[key];
      if (isObject(next)) node = next;
      else {
        const created: Json = {};
        node[key] = created;
        node = created;
      }
    }
    const list = (node._errors as Array<{ code: string; message: string }> | undefined) ?? [];
    list.push({ code: problem.code, message: problem.message });
    node._errors = list;
  }
  return tree;
}

export function describeProblems(problems: readonly FormProblem[]): string {
  return problems.map((p) => `${p.path.join('.') || '(body)'}: ${p.message}`).join('; ');
}

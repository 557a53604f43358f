/** The variables an ICU message uses, and how (the message templates and the portal's catalogues check them). */
import type { IntlMessageFormat } from 'intl-messageformat';

/** How a variable is used: plain text, a count (plural or number: must be a number), or a select key. */
export type VariableKind = 'text' | 'number' | 'select';

export type Ast = ReturnType<IntlMessageFormat['getAst']>;

// Walks every branch, so that a variable used only in an untaken plural/select branch still
// counts as required. Element type numbers are intl-messageformat's TYPE enum.
export function collectVariables(elements: Ast, into: Map<string, VariableKind>): void {
  for (const element of elements) {
    const type: number = element.type;
    switch (type) {
      case 1: // argument
        if ('value' in element && !into.has(element.value)) into.set(element.value, 'text');
        break;
      case 2: // number
      case 6: // plural
        if ('value' in element) into.set(element.value, 'number');
        break;
      case 5: // select
        if ('value' in element && into.get(element.value) !== 'number') into.set(element.value, 'select');
        break;
      case 3: // date
      case 4: // time
        if ('value' in element && !into.has(element.value)) into.set(element.value, 'text');
        break;
    }
    if ('options' in element) {
      for (const option of Object.values(element.options)) collectVariables(option.value, into);
    }
    if ('children' in element) collectVariables(element.children, into);
  }
}

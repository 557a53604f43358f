/**
 * A tone check for messages to families: flags punitive or blaming phrases ("truancy",
 * "legal action", "you must") and offers a partnership alternative (DOMAIN.md §3). It is a
 * transparent phrase table, not a model: staff can read every rule below, and a flag is a
 * prompt to rephrase, not a ban. English and Spanish; other languages return no flags.
 * Matching is case-insensitive, on whole words, and (for Spanish) ignores missing accents.
 */
import { type LanguageCode, resolveLanguage } from './languages.ts';

export interface ToneFlag {
  /** The text as it appears in the message. */
  phrase: string;
  /** UTF-16 offsets into the checked text: `text.slice(start, end) === phrase`. */
  start: number;
  end: number;
  why: string;
  suggestion: string;
}

interface ToneRule {
  readonly phrases: readonly string[];
  readonly why: string;
  readonly suggestion: string;
}

const ENGLISH: readonly ToneRule[] = [
  {
    phrases: ['truancy court', 'truancy proceedings', 'truancy'],
    why: 'A legal label that blames the family; punitive openings push families away.',
    suggestion:
      'Give the real number and offer help: "Maria has missed 8 days so far this year. How can we help?"',
  },
  {
    phrases: ['habitual truant', 'chronic truant', 'truants', 'truant'],
    why: 'Labels the child as an offender.',
    suggestion: 'Name the child and the days missed instead of a label.',
  },
  {
    phrases: ['excessive absences', 'excessive absence', 'excessive absenteeism'],
    why: 'Judges instead of informing.',
    suggestion: 'Share the concrete number: "has missed 8 days so far this year".',
  },
  {
    phrases: ['failure to comply', 'failure to', 'failed to', 'fails to'],
    why: 'Frames the family as having failed.',
    suggestion: 'Say what you noticed and ask what is getting in the way: "Is something making it hard?"',
  },
  {
    phrases: ['legal action', 'legal consequences'],
    why: 'A threat; it does not tell the family what they can do.',
    suggestion: 'Offer a next step together: "We would like to meet and make a plan together."',
  },
  {
    phrases: ['courts', 'court'],
    why: 'Mentioning court is a threat; required legal wording belongs in the plain-language notice, after the offer of help.',
    suggestion: 'Lead with what the family can do and the help the school offers.',
  },
  {
    phrases: ['consequences', 'consequence'],
    why: 'Sounds like punishment.',
    suggestion: 'Explain why it matters: "Every day counts, and we want to help."',
  },
  {
    phrases: ['you must', 'you are required to'],
    why: 'A command, not an invitation.',
    suggestion: 'Invite: "Please…", "Could you…", "We would love to…".',
  },
  {
    phrases: [
      'your child has been skipping',
      'has been skipping',
      'skipping school',
      'skipping class',
      'skipping classes',
      'skipped school',
      'skipped class',
    ],
    why: 'Assumes the child chose to miss school; most absences have understandable causes.',
    suggestion: '"We missed Maria at school today. Is everything okay?"',
  },
  {
    phrases: ['unacceptable'],
    why: 'Judges the family.',
    suggestion: 'Say what worries you and what the school can do to help.',
  },
  {
    phrases: ['in violation', 'violation of', 'violated'],
    why: 'Legal, accusing language.',
    suggestion: 'Say plainly what happened: "Maria has missed 8 days."',
  },
  {
    phrases: ['penalty', 'penalties', 'fined', 'fines'],
    why: 'A threat of punishment.',
    suggestion: 'Leave penalties out; say what help is available.',
  },
  {
    phrases: ['will be reported', 'be reported to', 'report you'],
    why: 'A threat; it turns the school into an enforcer.',
    suggestion:
      'If others must be involved, present them as help: "Our social worker can reach out to help."',
  },
  {
    phrases: ['prosecution', 'prosecuted', 'prosecute'],
    why: 'A threat of prosecution.',
    suggestion: 'Lead with partnership and the help the school offers.',
  },
  {
    phrases: ['final warning', 'warning'],
    why: 'Sounds like discipline.',
    suggestion: 'Share the number and invite a conversation.',
  },
  {
    phrases: ['educational neglect', 'neglect'],
    why: 'Accuses the family of neglect.',
    suggestion: 'Ask about barriers: "Is something making it hard to get to school?"',
  },
  {
    phrases: ['disciplinary action', 'non-compliance', 'noncompliance', 'delinquent', 'delinquency'],
    why: 'Disciplinary or legal vocabulary.',
    suggestion: 'Use plain, warm words about the child and what the school can do.',
  },
];

const SPANISH: readonly ToneRule[] = [
  {
    phrases: ['ausentismo escolar', 'absentismo escolar', 'ausentismo', 'absentismo'],
    why: 'A label that blames the family ("truancy").',
    suggestion: 'Dé el número real: "María ha faltado 8 días en lo que va del año. ¿Cómo podemos ayudar?"',
  },
  {
    phrases: ['ausentista', 'ausentistas', 'faltista'],
    why: 'Labels the child.',
    suggestion: 'Use el nombre del niño o la niña y los días que ha faltado.',
  },
  {
    phrases: ['consecuencias legales', 'consecuencias', 'consecuencia'],
    why: 'Sounds like punishment or a legal threat.',
    suggestion: 'Explique por qué importa: "Cada día cuenta y queremos ayudar."',
  },
  {
    phrases: ['usted debe', 'ustedes deben', 'debe', 'deben', 'usted tiene que', 'ustedes tienen que'],
    why: 'A command ("you must"), not an invitation.',
    suggestion: 'Invite: "Le pedimos que…", "¿Podría…?", "Nos gustaría…".',
  },
  {
    phrases: ['inaceptable', 'inaceptables'],
    why: 'Judges the family ("unacceptable").',
    suggestion: 'Diga qué le preocupa y cómo puede ayudar la escuela.',
  },
  {
    phrases: ['faltas excesivas', 'ausencias excesivas', 'inasistencias excesivas'],
    why: 'Judges instead of informing ("excessive absences").',
    suggestion: 'Dé el número concreto: "ha faltado 8 días en lo que va del año".',
  },
  {
    phrases: ['acción legal', 'acciones legales', 'medidas legales', 'proceso legal'],
    why: 'A legal threat.',
    suggestion: 'Proponga un paso juntos: "Nos gustaría reunirnos y hacer un plan juntos."',
  },
  {
    phrases: ['tribunales', 'tribunal', 'corte', 'juzgado', 'juez'],
    why: 'Mentioning court is a threat.',
    suggestion: 'Empiece por lo que la familia puede hacer y la ayuda que ofrece la escuela.',
  },
  {
    phrases: ['sanción', 'sanciones', 'multa', 'multas', 'penalización', 'penalidad'],
    why: 'A threat of punishment.',
    suggestion: 'Deje fuera las sanciones; diga qué ayuda hay disponible.',
  },
  {
    phrases: [
      'será reportado',
      'será reportada',
      'serán reportados',
      'será denunciado',
      'será denunciada',
      'lo reportaremos',
      'la reportaremos',
    ],
    why: 'A threat ("will be reported").',
    suggestion:
      'Si otras personas deben participar, preséntelas como ayuda: "Nuestra trabajadora social puede ayudarle."',
  },
  {
    phrases: ['en violación', 'incumplimiento', 'infracción', 'no ha cumplido'],
    why: 'Legal, accusing language.',
    suggestion: 'Diga con sencillez lo que pasó: "María ha faltado 8 días."',
  },
  {
    phrases: [
      'se ha estado saltando',
      'saltándose las clases',
      'se salta las clases',
      'faltando a propósito',
      'hacer novillos',
      'irse de pinta',
      'se va de pinta',
    ],
    why: 'Assumes the child chose to miss school ("skipping").',
    suggestion: '"Hoy extrañamos a María en la escuela. ¿Está todo bien?"',
  },
  {
    phrases: ['negligencia', 'última advertencia', 'advertencia'],
    why: 'Accusing or disciplinary language.',
    suggestion: 'Pregunte por las dificultades: "¿Hay algo que haga difícil ir a la escuela?"',
  },
];

const RULES: Partial<Record<LanguageCode, readonly ToneRule[]>> = { en: ENGLISH, es: SPANISH };

interface CompiledRule {
  readonly pattern: RegExp;
  readonly rule: ToneRule;
}

const compiled = new Map<LanguageCode, readonly CompiledRule[]>();

/**
 * Flags punitive or blaming phrases in `text`, in order of position. Overlapping matches
 * keep the longest phrase ("truancy court" rather than "truancy" and "court").
 * `language` is any tag or name; languages without a phrase table return [].
 */
export function checkTone(text: string, language = 'en'): ToneFlag[] {
  const rules = compileRules(resolveLanguage(language));
  const found: ToneFlag[] = [];
  for (const { pattern, rule } of rules) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      found.push({
        phrase: match[0],
        start,
        end: start + match[0].length,
        why: rule.why,
        suggestion: rule.suggestion,
      });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const flags: ToneFlag[] = [];
  for (const flag of found) {
    const last = flags.at(-1);
    if (!last || flag.start >= last.end) flags.push(flag);
  }
  return flags;
}

function compileRules(language: LanguageCode): readonly CompiledRule[] {
  const cached = compiled.get(language);
  if (cached) return cached;
  const rules = (RULES[language] ?? []).flatMap((rule) =>
    rule.phrases.map((phrase) => ({ pattern: phrasePattern(phrase), rule })),
  );
  compiled.set(language, rules);
  return rules;
}

const VOWEL_VARIANTS: Readonly<Record<string, string>> = {
  a: 'aáàâä',
  e: 'eéèêë',
  i: 'iíìîï',
  o: 'oóòôö',
  u: 'uúùûü',
};

// Whole words only (no letter or digit on either side), any run of spaces between words,
// and a vowel matches with or without its accent ("accion legal" is still "acción legal").
function phrasePattern(phrase: string): RegExp {
  let source = '';
  for (const char of phrase) {
    const base = char.normalize('NFD').replace(/\p{M}/gu, '');
    const variants = VOWEL_VARIANTS[base];
    if (variants) source += `[${variants}]`;
    else if (char === ' ') source += '\\s+';
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`(?<![\\p{L}\\p{N}])${source}(?![\\p{L}\\p{N}])`, 'giu');
}

/** Ed-Fi descriptors: the built-in defaults, a district's map over them, and a map file's checks. */
import { describe, expect, it } from 'vitest';
import { codeValueOf, Descriptors, parseEdFiMapping } from './edfi-descriptors.ts';

describe('Ed-Fi descriptors', () => {
  it("maps Ed-Fi's default attendance categories, calendar events, grades and terms", () => {
    const descriptors = new Descriptors();
    const category = (code: string) =>
      descriptors.resolve(
        'attendanceEventCategoryDescriptor',
        `uri://ed-fi.org/AttendanceEventCategoryDescriptor#${code}`,
      );
    expect(
      [
        'In Attendance',
        'Present',
        'Excused Absence',
        'Unexcused Absence',
        'Tardy',
        'Early departure',
        'Partial',
      ].map(category),
    ).toEqual([
      'present',
      'present',
      'excused_absence',
      'unexcused_absence',
      'tardy',
      'early_departure',
      'partial',
    ]);
    expect(category('Field Trip')).toBeUndefined();
    // A district's own namespace with a default code value, and a bare code value, resolve too.
    expect(
      descriptors.resolve(
        'attendanceEventCategoryDescriptor',
        'uri://grandbend.edu/AttendanceEventCategoryDescriptor#tardy',
      ),
    ).toBe('tardy');
    expect(descriptors.resolve('calendarEventDescriptor', 'Make-up day')).toBe('makeup');
    expect(
      descriptors.resolve('gradeLevelDescriptor', 'uri://ed-fi.org/GradeLevelDescriptor#Ninth grade'),
    ).toBe('09');
    expect(
      descriptors.resolve('gradeLevelDescriptor', 'uri://ed-fi.org/GradeLevelDescriptor#Ungraded'),
    ).toBeUndefined();
    expect(descriptors.resolve('termDescriptor', 'uri://ed-fi.org/TermDescriptor#Fall Semester')).toBe(
      'semester',
    );
    expect(descriptors.instructionalMinutes).toBe(360);
    expect(codeValueOf('uri://ed-fi.org/TermDescriptor#Year Round')).toBe('Year Round');
  });

  it("lets a district's map add descriptors and override defaults, a whole URI before a code value", () => {
    const descriptors = new Descriptors(
      parseEdFiMapping({
        attendanceEventCategoryDescriptor: {
          'uri://grandbend.edu/AttendanceEventCategoryDescriptor#OSS': 'out_of_school_suspension',
          OSS: 'unexcused_absence',
          Tardy: 'partial',
        },
        instructionalMinutes: 390,
      }),
    );
    expect(
      descriptors.resolve(
        'attendanceEventCategoryDescriptor',
        'uri://grandbend.edu/AttendanceEventCategoryDescriptor#OSS',
      ),
    ).toBe('out_of_school_suspension');
    expect(descriptors.resolve('attendanceEventCategoryDescriptor', 'uri://other.org/X#oss')).toBe(
      'unexcused_absence',
    );
    expect(descriptors.resolve('attendanceEventCategoryDescriptor', 'uri://ed-fi.org/X#Tardy')).toBe(
      'partial',
    );
    expect(descriptors.resolve('attendanceEventCategoryDescriptor', 'Excused Absence')).toBe(
      'excused_absence',
    );
    expect(descriptors.instructionalMinutes).toBe(390);
  });

  it('refuses a map naming an unknown descriptor kind or target, saying which', () => {
    expect(() => parseEdFiMapping([])).toThrow('must be a JSON object');
    expect(() => parseEdFiMapping({ absenceDescriptor: {} })).toThrow(
      '"absenceDescriptor", which is not one',
    );
    expect(() => parseEdFiMapping({ attendanceEventCategoryDescriptor: { Sick: 'sick' } })).toThrow(
      '"attendanceEventCategoryDescriptor" maps "Sick" to "sick"; it must be one of present, excused_absence',
    );
    expect(() => parseEdFiMapping({ instructionalMinutes: 0 })).toThrow('"instructionalMinutes" must be');
  });
});

// Citations built from the policy definitions read exactly as the texts cases already carry (alerts
// in recorded histories, refusals the case systems show), and a citation of something the policy
// does not state is an error naming it.
import { DomainError } from '../../domain';
import { citeConstraint, citeRule, citeSection } from '../../domain/policies/citations';
import { getPolicy } from '../../domain/policies/registry';

describe('citations from the policy definitions', () => {
  it('cites a section of the Title IX seed document, whichever version the case runs', () => {
    for (const version of ['1.0.0', '1.1.0']) {
      const policy = getPolicy('acsd-title-ix', version);
      expect(citeSection(policy, 'Supportive Measures')).toBe(
        'ACSD Policy 3.26 / 8.20 §Supportive Measures (seed 003_f6cc332a41fedc95.txt)',
      );
      expect(citeSection(policy, 'Appeals')).toBe(
        'ACSD Policy 3.26 / 8.20 §Appeals (seed 003_f6cc332a41fedc95.txt)',
      );
    }
  });

  it("cites the grievance policy's direct-involvement constraint", () => {
    expect(citeConstraint(getPolicy('ok-doc-grievance'), 'direct-involvement').source).toBe(
      'OP-090124 §III.E.5 (seed 002_5a28f52881808cb3.txt)',
    );
  });

  it('cites the conduct policies: constraint text and source, rule sources', () => {
    const omes = getPolicy('omes-pwp-conduct');
    expect(citeConstraint(omes, 'retaliation')).toEqual({
      text: 'Any employee who retaliates against an individual for reporting or providing information concerning violation of this policy shall be subject to disciplinary action up to and including termination.',
      source: 'OMES Public Works Programs policy §Prohibited Retaliation (seed 000_ffa994603df00692.txt)',
    });
    expect(citeConstraint(omes, 'late-report').source).toBe(
      'OMES Public Works Programs policy §Prohibited Retaliation (reporting) (seed 000_ffa994603df00692.txt)',
    );
    expect(citeRule(omes, 'investigation.start')).toBe(
      'OMES Public Works Programs policy §Prohibited Retaliation (investigation) (seed 000_ffa994603df00692.txt)',
    );
    expect(citeRule(getPolicy('wdoc-employee-contact'), 'warden.review')).toBe(
      'WDOC Policy and Procedure #1.006 §IV.A.2.i (seed 001_b3b55b34e85b5a66.txt)',
    );
  });

  it('refuses a constraint or rule the policy does not have, naming it and the known keys', () => {
    const policy = getPolicy('ok-doc-grievance');
    expect(() => citeConstraint(policy, 'no-such-constraint')).toThrow(DomainError);
    try {
      citeRule(policy, 'no.such-rule');
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      const error = err as DomainError;
      expect(error.code).toBe('INVALID_POLICY');
      expect(error.message).toContain("no rule 'no.such-rule'");
      expect(error.details.known).toContain('grievance.filing');
    }
  });
});

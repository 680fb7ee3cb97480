"""The benchmark's fixed vocabulary: domains, their categories, checkpoint dimensions.

Kept in one place so the schema, the dataset card, the reports and the linter can never
disagree about which names exist. Slugs are what data files and test ids use; titles are
what people read.
"""

from __future__ import annotations

from typing import Final

# domain slug -> (title, {category slug: category title}); order follows the paper's task counts.
DOMAINS: Final[dict[str, tuple[str, dict[str, str]]]] = {
    "education": (
        "Education",
        {
            "program-design": "Program & Project Design",
            "curriculum-design": "Curriculum Design & Lesson Planning",
            "consulting-planning": "Consulting & Planning",
            "subject-teaching": "Subject Teaching & Tutoring",
            "research-writing": "Research & Academic Writing",
            "assessment-reporting": "Analysis & Assessment Reporting",
        },
    ),
    "engineering": (
        "Engineering & Applied Sciences",
        {
            "technical-analysis": "Technical Analysis & Diagnostic Assessment",
            "design-solution": "Engineering Design & Solution Development",
            "research-protocol": "Research Protocol & Experimental Design",
            "literature-review": "Literature Review & Academic Writing",
            "modeling-simulation": "Theoretical Modeling & Computational Simulation",
        },
    ),
    "finance": (
        "Finance",
        {
            "equity-research": "Equity Research & Corporate Analysis",
            "macro-policy": "Macroeconomic & Policy",
            "accounting-compliance": "Financial Accounting & Regulatory Compliance",
            "asset-allocation": "Asset Allocation & Fund Evaluation",
            "financial-engineering": "Financial Engineering & Risk",
            "commodities-futures": "Commodities & Futures",
        },
    ),
    "law": (
        "Law",
        {
            "litigation-documents": "Litigation Documents & Judicial Instruments",
            "legal-research": "Legal Research & Case Retrieval",
            "opinion-memo": "Opinion & Memorandum Drafting",
            "contract-compliance": "Contract Compliance & Regulatory Response",
            "dispute-resolution": "Dispute Resolution & Trial Negotiation",
            "due-diligence": "Due Diligence & Transaction Documentation",
        },
    ),
    "humanities": (
        "Humanities & Social Sciences",
        {
            "source-research": "Philological & Historical Source Research",
            "social-research": "Social Research & Professional Consulting",
            "artistic-criticism": "Artistic Creation & Cultural Criticism",
            "theoretical-inquiry": "Theoretical Inquiry & Philosophical Construction",
        },
    ),
    "computer_science": (
        "Computer Science",
        {
            "system-architecture": "System Architecture & Technical Planning",
            "algorithm-design": "Algorithm Design & Theory",
            "software-development": "Software Development & Data Practice",
        },
    ),
    "healthcare": (
        "Healthcare",
        {
            "clinical-diagnosis": "Clinical Diagnosis & Case Analysis",
            "medical-research": "Medical Research & Experimental Design",
        },
    ),
}

DIMENSIONS: Final[tuple[str, ...]] = (
    "Instruction Following",
    "Constraint Satisfaction",
    "Accuracy & Factual Correctness",
    "Information Processing",
    "Logical Coherence",
    "Domain Expertise",
    "Completeness & Executability",
    "Normativity & Compliance",
    "Safety & Risk Management",
    "Novelty & Creativity",
    "Linguistic Quality",
    "Structure & Formatting",
    "Depth of Analysis",
    "Interdisciplinary Integration",
    "Information Richness",
    "Other",
)

# The paper contrasts quantitative reasoning with linguistic synthesis; this is the one place
# that says which dimensions belong to which side. Dimensions in neither group are "general".
SKILL_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "quantitative reasoning": (
        "Accuracy & Factual Correctness",
        "Information Processing",
        "Logical Coherence",
        "Constraint Satisfaction",
    ),
    "linguistic synthesis": (
        "Linguistic Quality",
        "Structure & Formatting",
        "Information Richness",
        "Novelty & Creativity",
        "Interdisciplinary Integration",
    ),
}

# Weight bands each importance class must fall in (the paper's examples use 10 / 7 / 2).
IMPORTANCE_WEIGHTS: Final[dict[str, range]] = {
    "essential": range(8, 11),
    "important": range(4, 8),
    "optional": range(1, 4),
}


def domain_title(domain: str) -> str:
    """The domain's title; a name this taxonomy does not know (a results file from elsewhere) is shown as is."""
    return DOMAINS[domain][0] if domain in DOMAINS else domain


def category_title(domain: str, category: str) -> str:
    return DOMAINS[domain][1].get(category, category) if domain in DOMAINS else category


def category_key(domain: str, category: str) -> str:
    """How results name a category: categories are only unique within their domain."""
    return f"{domain}/{category}"


def category_label(key: str, with_domain: bool = True) -> str:
    domain, _, category = key.partition("/")
    title = category_title(domain, category)
    return f"{domain_title(domain)} · {title}" if with_domain else title

"""The worked solutions of the three problems, in words and numbers, for any Given.

``problem1``, ``problem2`` and ``problem3`` each provide ``statement(given)``,
``solution(given)`` and ``answer_quantities(given)`` (and the smaller pieces the
chapters display).  The chapters and the practice pages show the same text.
"""

from hwlib.worked import problem1, problem2, problem3

__all__ = ["problem1", "problem2", "problem3"]

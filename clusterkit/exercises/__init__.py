"""Trainer exercises: interactive tools built on the step functions, one module per step.

- :func:`selection_weights_widget` lets participants move the criterion weights of step 1 and
  watch the ranking and its stability change;
- :func:`swot_sorting_widget` has them sort the diagnostic's SWOT statements, then scores the
  sorting against the workbook and draws their SWOT matrix (step 2);
- :func:`plan_prioritisation_widget` has them score actions for impact and feasibility and watch
  the prioritisation matrix, the ranking and the plan's capacity warnings (step 3);
- :func:`joint_action_widget` has them launch a co-financed action with a degressive subsidy and
  watch the local share, the budget by year and the follow-up status (step 4);
- :func:`monitoring_targets_widget` has them move indicator targets and watch the progress and
  schedule status change (step 5).

Every exercise is laid out by :func:`~clusterkit.exercises.layout.exercise_box` and shows its
solution through :func:`~clusterkit.exercises.layout.folded`, closed until the trainer opens it:
a new exercise inherits both. The logic lives here rather than in the notebooks, so the tests drive
it without a browser: set a widget's value (or click a button), read the exercise's result
attributes.
"""

from .diagnostic import NOT_SORTED, SHUFFLE_SEED, SwotSortingExercise, swot_sorting_widget
from .implementation import (
    EXAMPLE_FOLLOW_UP,
    EXAMPLE_JOINT_ACTION,
    JointActionExercise,
    degressive_schedule,
    joint_action_widget,
)
from .layout import (
    EXERCISE_CSS,
    WIDE,
    DateField,
    captured,
    control,
    date_text,
    example_text,
    exercise_box,
    folded,
    image,
    line,
    paragraph,
    parse_date,
    png,
    readout,
    row,
    solution_table,
    table_html,
)
from .monitoring import (
    EXAMPLE_TARGETS,
    TARGET_COUNT,
    MonitoringTargetsExercise,
    monitoring_targets_widget,
    target_range,
)
from .plan import EXAMPLE_SHORTLIST, SHORTLIST_SIZE, PlanPrioritisationExercise, plan_prioritisation_widget
from .selection import (
    SENSITIVITY_DRAWS,
    TEAM_WEIGHTS,
    SelectionWeightsExercise,
    preset_weights,
    selection_weights_widget,
)

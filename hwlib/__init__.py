"""hwlib: the helper package of the executable worked solutions.

The modules form four layers; a module imports only from its own layer or the layers before it
(``tests/test_architecture.py`` holds this, with no import cycle and no use of another module's
private names):

1. **data and checks**: the Given's rules, the names of quantities, the formats of numbers, the
   reading of typed numbers and the tolerance policy;
2. **computation**: convolution arithmetic, the network, the answers (:mod:`hwlib.answers`, with the one
   truth cache) and the catalogue of mistakes;
3. **facts and words**: the worked solutions in words, the figures, the registry of the problems
   (:mod:`hwlib.problems`, which names each problem's worked solution), the handwritten solution read
   for the registered problems (:mod:`hwlib.transcription`) and the marker's feedback;
4. **pages and command lines**: what a chapter or a command prints.
"""

__version__ = "0.1.0"

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("data and checks", ("hwlib", "hwlib._checks", "hwlib.escape", "hwlib.naming", "hwlib.givens", "hwlib.fmt",
                         "hwlib.tolerance", "hwlib.typed_number")),
    ("computation", ("hwlib.conv", "hwlib.network", "hwlib.symbolic_network", "hwlib.answers", "hwlib.mistakes",
                     "hwlib.speed", "hwlib.mobilenet", "hwlib.page_limits")),
    ("facts and words", ("hwlib.words", "hwlib.figures", "hwlib.plot_conv", "hwlib.plot_network", "hwlib.worked",
                         "hwlib.worked.axis", "hwlib.worked.latex_lines", "hwlib.worked.markdown",
                         "hwlib.worked.problem1", "hwlib.worked.problem2", "hwlib.worked.problem3",
                         "hwlib.worked.problem1_network", "hwlib.plot_network_cost", "hwlib.problems",
                         "hwlib.transcription", "hwlib.marker")),
    ("pages and command lines", ("hwlib.mark", "hwlib.practice", "hwlib.practice_page", "hwlib.answer_key",
                                 "hwlib.class_marking")),
)

"""Missing dependencies produce an error that names the package and the install command."""
import pytest

from seg.utils.deps import MissingDependencyError, Requirement, check_all, check_dependency


def test_all_dependencies_present():
    check_all()


def test_missing_dependency_message_names_package_and_fix():
    req = Requirement('omgseg_surely_missing_module', 'omgseg-missing-pkg', '==1.0')
    with pytest.raises(MissingDependencyError) as info:
        check_dependency(req)
    message = str(info.value)
    assert 'omgseg-missing-pkg' in message
    assert '==1.0' in message
    assert 'tools/setup_env.sh' in message

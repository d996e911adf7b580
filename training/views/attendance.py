"""(stub: being written)"""

urlpatterns: list = []
